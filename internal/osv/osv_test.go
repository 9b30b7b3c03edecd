package osv

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citadel-build/citadel/internal/dpkg"
	"github.com/citadel-build/citadel/internal/pep440"
	"github.com/citadel-build/citadel/internal/testutil"
)

func events(evs ...string) []Event {
	var out []Event
	for _, e := range evs {
		kind, v, _ := strings.Cut(e, "=")
		switch kind {
		case "i":
			out = append(out, Event{Introduced: v})
		case "f":
			out = append(out, Event{Fixed: v})
		case "la":
			out = append(out, Event{LastAffected: v})
		case "l":
			out = append(out, Event{Limit: v})
		}
	}
	return out
}

// The OSV schema's evaluation of ranges, by cases: each range's events and versions, the
// version asked about, whether it is covered and the fix reported.
func TestCoversPyPI(t *testing.T) {
	for _, tc := range []struct {
		name     string
		ranges   [][]Event
		versions []string
		version  string
		covered  bool
		fixed    string
		last     string
	}{
		{"in range", [][]Event{events("i=0", "f=1.26.17")}, nil, "1.26.12", true, "1.26.17", ""},
		{"at fixed", [][]Event{events("i=0", "f=1.26.17")}, nil, "1.26.17", false, "", ""},
		{"above fixed", [][]Event{events("i=0", "f=1.26.17")}, nil, "2.0.0", false, "", ""},
		{"below introduced", [][]Event{events("i=40.0.0", "f=41.0.2")}, nil, "38.0.2", false, "", ""},
		{"at introduced", [][]Event{events("i=40.0.0", "f=41.0.2")}, nil, "40.0.0", true, "41.0.2", ""},
		{"second branch", [][]Event{events("i=2.0.0", "f=2.0.6"), events("i=0", "f=1.26.17")}, nil, "1.26.12", true, "1.26.17", ""},
		{"one range, two branches", [][]Event{events("i=3.2", "f=3.2.19", "i=4.0", "f=4.1.9")}, nil, "4.0.5", true, "4.1.9", ""},
		{"between branches", [][]Event{events("i=3.2", "f=3.2.19", "i=4.0", "f=4.1.9")}, nil, "3.2.20", false, "", ""},
		{"events unsorted", [][]Event{events("f=4.1.9", "i=4.0", "f=3.2.19", "i=3.2")}, nil, "3.2.16", true, "3.2.19", ""},
		{"last_affected includes", [][]Event{events("i=0", "la=1.2")}, nil, "1.2", true, "", "1.2"},
		{"last_affected excludes above", [][]Event{events("i=0", "la=1.2")}, nil, "1.2.1", false, "", ""},
		{"unfixed", [][]Event{events("i=1.0")}, nil, "9.9", true, "", ""},
		{"limit", [][]Event{events("i=0", "l=2.0")}, nil, "2.0", false, "", ""},
		{"pre-release before fix", [][]Event{events("i=0", "f=2.0")}, nil, "2.0rc1", true, "2.0", ""},
		{"PEP 440 equal spellings", [][]Event{events("i=2021.05.30", "f=2024.07.4")}, nil, "2024.7.4", false, "", ""},
		{"PEP 440 below fix", [][]Event{events("i=2021.05.30", "f=2024.07.4")}, nil, "2024.2.2", true, "2024.07.4", ""},
		{"versions list", nil, []string{"1.0", "1.1"}, "1.1.0", true, "", ""},
		{"not in versions", nil, []string{"1.0", "1.1"}, "1.2", false, "", ""},
		{"lowest fix of two ranges", [][]Event{events("i=0", "f=1.5"), events("i=1.0", "f=1.3")}, nil, "1.2", true, "1.3", ""},
	} {
		a := &Affected{Package: Package{Ecosystem: "PyPI", Name: "x"}, Versions: tc.versions}
		for _, evs := range tc.ranges {
			a.Ranges = append(a.Ranges, Range{Type: "ECOSYSTEM", Events: evs})
		}
		h, ok := a.Covers(tc.version, pep440.CompareStrings)
		if ok != tc.covered || h.Fixed != tc.fixed || h.LastAffected != tc.last || h.Undecided != nil {
			t.Errorf("%s: Covers(%s) = %+v, %v; want covered %v, fixed %q, last_affected %q", tc.name, tc.version, h, ok, tc.covered, tc.fixed, tc.last)
		}
	}
}

func TestCoversDebian(t *testing.T) {
	a := &Affected{Package: Package{Ecosystem: "Debian:12", Name: "glibc"}, Ranges: []Range{{Type: "ECOSYSTEM", Events: events("i=0", "f=2.36-9+deb12u3")}}}
	for v, want := range map[string]bool{"2.36-9+deb12u2": true, "2.36-9": true, "2.36-9+deb12u3": false, "2.36-9+deb12u10": false, "1:2.0": false} {
		if _, ok := a.Covers(v, dpkg.Compare); ok != want {
			t.Errorf("glibc %s covered = %v, want %v", v, ok, want)
		}
	}
}

// An event that cannot be compared makes the range undecided, which counts as affected: a
// malformed entry never hides a vulnerability.
func TestCoversUndecidedIsAffected(t *testing.T) {
	a := &Affected{Package: Package{Ecosystem: "PyPI", Name: "x"}, Ranges: []Range{{Type: "ECOSYSTEM", Events: events("i=0", "f=not a version")}}}
	h, ok := a.Covers("1.0", pep440.CompareStrings)
	if !ok || h.Undecided == nil {
		t.Fatalf("Covers = %+v, %v; want an undecided hit", h, ok)
	}
	git := &Affected{Ranges: []Range{{Type: "GIT", Events: events("i=abc123", "f=def456")}}}
	if _, ok := git.Covers("1.0", pep440.CompareStrings); ok {
		t.Error("a GIT range matched a release version")
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ data, want string }{
		{`{`, "unexpected end of JSON"},
		{`{"id": "x", "modified": "2024-01-01T00:00:00Z"}`, `id "x": want PREFIX-ID`},
		{`{"id": "GHSA-1", "modified": "yesterday"}`, `modified "yesterday"`},
		{`{"id": "GHSA-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {}}]}`, "want a package with ecosystem and name"},
		{`{"id": "GHSA-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "PyPI", "name": "x"}, "ranges": [{"type": "RANGE", "events": [{"introduced": "0"}]}]}]}`, `type "RANGE"`},
		{`{"id": "GHSA-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "PyPI", "name": "x"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"fixed": "1"}]}]}]}`, "no introduced event"},
		{`{"id": "GHSA-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "PyPI", "name": "x"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0", "fixed": "1"}]}]}]}`, "exactly one of"},
	} {
		if _, err := Parse("entry.json", []byte(tc.data)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%s) = %v, want an error containing %q", tc.data, err, tc.want)
		}
	}
}

// zipDir writes the .json files under dir into a zip, as OSV's all.zip exports are.
func zipDir(t *testing.T, dir, file string) {
	t.Helper()
	out, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(out)
	paths, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(filepath.Base(p))
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	out.Close()
}

// The repository's fixture loads the same from its directory and from per-ecosystem all.zip
// files, and finds the entries by ecosystem and PEP 503 name.
func TestLoadFixtureDirectoryAndZip(t *testing.T) {
	fixture := filepath.Join(testutil.RepoRoot(t), "testdata", "osv")
	fromDir, err := Load(fixture)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	zipDir(t, filepath.Join(fixture, "PyPI"), filepath.Join(tmp, "PyPI-all.zip"))
	zipDir(t, filepath.Join(fixture, "Debian"), filepath.Join(tmp, "Debian-all.zip"))
	fromZip, err := Load(filepath.Join(tmp, "PyPI-all.zip"), filepath.Join(tmp, "Debian-all.zip"))
	if err != nil {
		t.Fatal(err)
	}
	if fromDir.Len() != fromZip.Len() || fromDir.Len() < 25 {
		t.Fatalf("%d entries from the directory, %d from the zips", fromDir.Len(), fromZip.Len())
	}
	if got := strings.Join(fromZip.Ecosystems(), ","); got != "Debian:12,PyPI" {
		t.Errorf("ecosystems %s", got)
	}
	for _, tc := range []struct {
		ecosystem, name string
		want            int
	}{{"PyPI", "django", 7}, {"PyPI", "Django", 7}, {"PyPI", "jinja2", 1}, {"Debian:12", "glibc", 4}, {"Debian:12", "libc6", 0}} {
		if got := len(fromZip.Candidates(tc.ecosystem, tc.name)); got != tc.want {
			t.Errorf("Candidates(%s, %s) = %d entries, want %d", tc.ecosystem, tc.name, got, tc.want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"id": "GHSA-1"}`), 0o644)
	emptyZip := filepath.Join(dir, "empty.zip")
	zipDir(t, empty, emptyZip)
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "missing.zip"), "no such file"},
		{empty, "no .json or .zip files"},
		{bad, `bad.json: GHSA-1: modified ""`},
		{emptyZip, "no .json entries"},
	} {
		if _, err := Load(tc.path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%s) = %v, want an error containing %q", tc.path, err, tc.want)
		}
	}
}

// FuzzParse: no panic, and an accepted entry evaluates its ranges without panicking.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "osv", "*", "*.json"))
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"id":"A-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"x"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"last_affected":"0"}]}],"versions":["0"]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Parse("fuzz.json", data)
		if err != nil {
			return
		}
		for i := range v.Affected {
			v.Affected[i].Covers("1.0", pep440.CompareStrings)
			v.Affected[i].Covers("1:2.0-1", dpkg.Compare)
		}
	})
}
