package lock

import (
	"context"
	"strings"
	"testing"

	"github.com/citadel-build/citadel/internal/constraints"
)

const py311 = "manylinux_2_36_x86_64"

func request(t *testing.T, uc string, roots ...string) Request {
	t.Helper()
	f, err := constraints.Parse("uc.txt", []byte(uc))
	if err != nil {
		t.Fatal(err)
	}
	return Request{Image: "//images/app:r", Roots: roots, Release: "//releases/r", Constraints: f,
		Target: Target{PythonVersion: "3.11.2", Platform: py311}}
}

func resolve(t *testing.T, ti *testIndex, req Request) (*Lock, error) {
	t.Helper()
	return Resolve(context.Background(), req, ti.client(), newFetcher(t))
}

func versions(l *Lock) string {
	var out []string
	for _, p := range l.Packages {
		out = append(out, p.Name+"=="+p.Version)
	}
	return strings.Join(out, " ")
}

func TestResolveMarkersExtrasAndMetadataSources(t *testing.T) {
	ti := newTestIndex(t,
		dist{filename: "App-1.0-py3-none-any.whl", pep658: true, requires: []string{
			"dep>=1.0", `winonly; sys_platform == "win32"`, `fancy; extra == "feat"`, `old; python_version < "3.8"`,
		}},
		dist{filename: "dep-1.2-py3-none-any.whl", requires: []string{"sub"}}, // metadata read from the wheel
		dist{filename: "sub-2.0.tar.gz", requiresTxt: "leaf\n\n[:python_version >= \"3.9\"]\nnewleaf\n\n[tests]\npytest\n"},
		dist{filename: "leaf-1-py3-none-any.whl"},
		dist{filename: "newleaf-1-py3-none-any.whl"},
		dist{filename: "fancy-3.0-py3-none-any.whl"},
	)
	uc := "App===1.0\ndep===1.2\nsub===2.0\nleaf===1\nnewleaf===1\nfancy===3.0\nwinonly===1\nold===1\n"

	l, err := resolve(t, ti, request(t, uc, "app"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := versions(l), "app==1.0 dep==1.2 leaf==1 newleaf==1 sub==2.0"; got != want {
		t.Errorf("without extras: %s, want %s", got, want)
	}
	sub, _ := l.Package("sub")
	if !sub.NeedsBuild || sub.Filename != "sub-2.0.tar.gz" || len(sub.Dependencies) != 2 {
		t.Errorf("sdist: %+v", sub)
	}
	app, _ := l.Package("app")
	if !app.Root || app.License != "MIT" || app.Pinned != "constraints" || app.Size == 0 || len(app.SHA256) != 64 {
		t.Errorf("root package: %+v", app)
	}

	l, err = resolve(t, ti, request(t, uc, "app[Feat]"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := versions(l), "app==1.0 dep==1.2 fancy==3.0 leaf==1 newleaf==1 sub==2.0"; got != want {
		t.Errorf("with extra: %s, want %s", got, want)
	}
	app, _ = l.Package("app")
	var fancy Edge
	for _, e := range app.Dependencies {
		if e.Name == "fancy" {
			fancy = e
		}
	}
	if fancy.Extra != "feat" || strings.Join(app.Extras, ",") != "feat" {
		t.Errorf("extra edge %+v, extras %v", fancy, app.Extras)
	}
}

func TestResolvePicksBestWheelForTarget(t *testing.T) {
	ti := newTestIndex(t,
		dist{filename: "native-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"},
		dist{filename: "native-1.0-cp311-cp311-manylinux_2_28_x86_64.whl"},
		dist{filename: "native-1.0-cp310-cp310-manylinux_2_28_x86_64.whl"},
		dist{filename: "native-1.0-cp311-cp311-manylinux_2_38_x86_64.whl"},
		dist{filename: "native-1.0-cp37-abi3-manylinux_2_28_aarch64.whl"},
		dist{filename: "native-1.0-py3-none-any.whl"},
		dist{filename: "native-1.0.tar.gz"},
	)
	for _, tc := range []struct{ python, platform, want string }{
		{"3.11.2", "manylinux_2_36_x86_64", "native-1.0-cp311-cp311-manylinux_2_28_x86_64.whl"},
		{"3.11.2", "manylinux_2_17_x86_64", "native-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"},
		{"3.10.12", "manylinux_2_35_x86_64", "native-1.0-cp310-cp310-manylinux_2_28_x86_64.whl"},
		{"3.12.1", "manylinux_2_36_aarch64", "native-1.0-cp37-abi3-manylinux_2_28_aarch64.whl"},
		{"3.12.1", "manylinux_2_36_x86_64", "native-1.0-py3-none-any.whl"},
	} {
		req := request(t, "native===1.0\n", "native")
		req.Target = Target{PythonVersion: tc.python, Platform: tc.platform}
		l, err := resolve(t, ti, req)
		if err != nil {
			t.Fatal(err)
		}
		if l.Packages[0].Filename != tc.want {
			t.Errorf("python %s on %s: %s, want %s", tc.python, tc.platform, l.Packages[0].Filename, tc.want)
		}
	}
}

func TestResolveErrors(t *testing.T) {
	ti := newTestIndex(t,
		dist{filename: "app-1.0-py3-none-any.whl", requires: []string{"dep>=1.0", "free"}},
		dist{filename: "dep-0.9-py3-none-any.whl"},
		dist{filename: "dep-1.2-py3-none-any.whl"},
		dist{filename: "free-1.0-py3-none-any.whl"},
		dist{filename: "free-2.0-py3-none-any.whl"},
		dist{filename: "free-3.0-py3-none-any.whl", yanked: true},
		dist{filename: "free-4.0rc1-py3-none-any.whl"},
		dist{filename: "liar-1.0-py3-none-any.whl", metaName: "someone-else"},
		dist{filename: "newpy-1.0-py3-none-any.whl", requiresPython: ">=3.12"},
		dist{filename: "native-1.0-cp312-cp312-manylinux_2_28_x86_64.whl"},
	)
	for _, tc := range []struct {
		name, uc string
		roots    []string
		pins     []string
		want     []string
	}{
		{"unpinned dependency names its chain", "app===1.0\ndep===1.2\n", []string{"app"}, nil,
			[]string{"free is not pinned by the constraints of //releases/r", "required by app 1.0", `pins = ["free==VERSION"]`, "--allow-unpinned"}},
		{"pin that violates a requirement", "app===1.0\ndep===0.9\nfree===1.0\n", []string{"app"}, nil,
			[]string{"dep 0.9 (pinned by constraints) does not satisfy \"dep>=1.0\" required by app 1.0"}},
		{"root not pinned anywhere", "", []string{"app"}, nil, []string{"app is not pinned", "the roots of //images/app:r"}},
		{"metadata names another project", "liar===1.0\n", []string{"liar"}, nil, []string{"metadata of liar-1.0-py3-none-any.whl names someone-else 1.0"}},
		{"requires-python excludes the target", "newpy===1.0\n", []string{"newpy"}, nil, []string{"newpy 1.0", "no file fits python 3.11.2"}},
		{"no wheel for the target and no sdist", "native===1.0\n", []string{"native"}, nil, []string{"no file fits python 3.11.2 on manylinux_2_36_x86_64", "native-1.0-cp312-cp312-manylinux_2_28_x86_64.whl"}},
		{"version not on the index", "dep===7.0\n", []string{"dep"}, nil, []string{"dep 7.0", "no files of this version"}},
		{"image pin of a constrained package", "app===1.0\ndep===1.2\n", []string{"app"}, []string{"dep==1.2"}, []string{`pin "dep==1.2": dep is pinned by the constraints`}},
		{"image pin that is not exact", "app===1.0\ndep===1.2\n", []string{"app"}, []string{"free>=1"}, []string{`pin "free>=1": want name==version`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := request(t, tc.uc, tc.roots...)
			req.Pins = tc.pins
			l, err := resolve(t, ti, req)
			if err == nil {
				t.Fatalf("no error: %s", versions(l))
			}
			for _, s := range tc.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error does not mention %q:\n%v", s, err)
				}
			}
		})
	}
}

func TestResolveUnpinnedPolicies(t *testing.T) {
	ti := newTestIndex(t,
		dist{filename: "app-1.0-py3-none-any.whl", requires: []string{"free<3"}},
		dist{filename: "free-1.0-py3-none-any.whl"},
		dist{filename: "free-2.0-py3-none-any.whl"},
		dist{filename: "free-2.5-py3-none-any.whl", yanked: true},
		dist{filename: "free-2.9rc1-py3-none-any.whl"},
		dist{filename: "free-3.0-py3-none-any.whl"},
	)
	req := request(t, "app===1.0\n", "app")
	req.AllowUnpinned = true
	l, err := resolve(t, ti, req)
	if err != nil {
		t.Fatal(err)
	}
	free, _ := l.Package("free")
	if free.Version != "2.0" || free.Pinned != "newest" || !l.Inputs.AllowUnpinned {
		t.Errorf("newest: %+v", free)
	}

	req = request(t, "app===1.0\n", "app")
	req.Pins = []string{"free==2.5"}
	l, err = resolve(t, ti, req)
	if err != nil {
		t.Fatal(err)
	}
	free, _ = l.Package("free")
	if free.Version != "2.5" || free.Pinned != "image" || free.Yanked != "broken" {
		t.Errorf("an exact pin may take a yanked file (PEP 592): %+v", free)
	}
}

func TestResolveConstraintMarkers(t *testing.T) {
	ti := newTestIndex(t,
		dist{filename: "split-1.0-py3-none-any.whl"},
		dist{filename: "split-2.0-py3-none-any.whl"},
	)
	uc := "split===1.0;python_version=='3.10'\nsplit===2.0;python_version>='3.11'\n"
	for python, want := range map[string]string{"3.10.12": "1.0", "3.11.2": "2.0"} {
		req := request(t, uc, "split")
		req.Target.PythonVersion = python
		l, err := resolve(t, ti, req)
		if err != nil {
			t.Fatal(err)
		}
		if l.Packages[0].Version != want {
			t.Errorf("python %s: split %s, want %s", python, l.Packages[0].Version, want)
		}
	}
}

func TestResolveIsDeterministic(t *testing.T) {
	var dists []dist
	var uc strings.Builder
	var reqs []string
	for i := range 30 {
		name := "p" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		dists = append(dists, dist{filename: name + "-1.0-py3-none-any.whl", requires: []string{"shared"}})
		uc.WriteString(name + "===1.0\n")
		reqs = append(reqs, name)
	}
	dists = append(dists, dist{filename: "root-1.0-py3-none-any.whl", requires: reqs}, dist{filename: "shared-1.0-py3-none-any.whl"})
	uc.WriteString("root===1.0\nshared===1.0\n")
	ti := newTestIndex(t, dists...)
	var first []byte
	for _, conc := range []int{1, 8, 32} {
		req := request(t, uc.String(), "root")
		req.Concurrency = conc
		l, err := resolve(t, ti, req)
		if err != nil {
			t.Fatal(err)
		}
		data, err := l.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = data
		} else if string(data) != string(first) {
			t.Fatalf("concurrency %d gives a different lock", conc)
		}
		back, err := Unmarshal("lock", data)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := back.Marshal()
		if string(again) != string(data) {
			t.Fatal("Unmarshal/Marshal does not round-trip")
		}
	}
}

func TestParseRequiresTxt(t *testing.T) {
	got, err := parseRequiresTxt([]byte("a>=1\n\n[:python_version < \"3.8\"]\nb\n\n[tests]\nc; sys_platform == 'win32'\n\n[docs:os_name == 'nt']\nd\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"a>=1",
		`b; (python_version < "3.8")`,
		`c; (sys_platform == "win32") and extra == "tests"`,
		`d; (os_name == 'nt') and extra == "docs"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := parseRequiresTxt([]byte("[x]\nnot a requirement!\n")); err == nil {
		t.Error("bad line accepted")
	}
}
