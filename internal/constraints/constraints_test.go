package constraints

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/citadel-build/citadel/internal/testutil"
)

func mustParse(t *testing.T, name, data string) *File {
	t.Helper()
	f, err := Parse(name, []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func pin(pkg, expect, version string, advisories ...string) Override {
	return Override{Op: OpPin, Package: pkg, Expect: expect, Version: version, Advisories: advisories, Reason: "test", Where: "test:" + pkg}
}

func TestParseRealFilesRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		release       string
		lines         int
		markedEntries int
	}{
		{"2023.1", 592, 0},
		{"2023.2", 600, 0},
		{"2024.1", 619, 0},
	} {
		t.Run(tc.release, func(t *testing.T) {
			data, err := os.ReadFile(testutil.UpperConstraints(t, tc.release))
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(tc.release, data)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(f.Bytes(), data) {
				t.Error("Bytes() differs from the input")
			}
			if len(f.Lines) != tc.lines {
				t.Errorf("%d lines, want %d", len(f.Lines), tc.lines)
			}
			if len(f.Entries) != tc.lines {
				t.Errorf("%d entries, want one per line (%d)", len(f.Entries), tc.lines)
			}
			for _, e := range f.Entries {
				if e.Pin == "" {
					t.Errorf("line %d %s: no pin", e.Line, e.Name)
				}
			}
		})
	}
}

func TestParseMarkersInReal2024_1(t *testing.T) {
	data, err := os.ReadFile(testutil.UpperConstraints(t, "2024.1"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse("2024.1", data)
	if err != nil {
		t.Fatal(err)
	}
	got := f.Lookup("alabaster")
	if len(got) != 2 {
		t.Fatalf("alabaster: %d lines, want 2", len(got))
	}
	if got[0].Pin != "0.7.13" || got[0].Marker != `python_version == "3.8"` || got[1].Pin != "0.7.16" || got[1].Marker != `python_version >= "3.9"` {
		t.Errorf("alabaster entries = %+v", got)
	}
}

// The example the foundation issue requires to hold.
func TestSeedOverridesChangeExactlySixLinesOf2023_1(t *testing.T) {
	data, err := os.ReadFile(testutil.UpperConstraints(t, "2023.1"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse("2023.1", data)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Apply("2023.1", f, seedOverrides())
	if err != nil {
		t.Fatal(err)
	}
	before := strings.SplitAfter(string(data), "\n")
	after := strings.SplitAfter(string(res.Data), "\n")
	if len(before) != len(after) {
		t.Fatalf("line count changed: %d -> %d", len(before), len(after))
	}
	changed := map[string]string{}
	for i := range before {
		if before[i] != after[i] {
			changed[strings.TrimSpace(before[i])] = strings.TrimSpace(after[i])
		}
	}
	want := map[string]string{
		"cryptography===38.0.2": "cryptography===41.0.4",
		"Django===3.2.16":       "Django===3.2.22",
		"pyOpenSSL===22.1.0":    "pyOpenSSL===23.2.0",
		"requests===2.28.1":     "requests===2.31.0",
		"sqlparse===0.4.3":      "sqlparse===0.4.4",
		"urllib3===1.26.12":     "urllib3===1.26.18",
	}
	if len(changed) != len(want) {
		t.Errorf("%d lines changed, want %d: %v", len(changed), len(want), changed)
	}
	for from, to := range want {
		if changed[from] != to {
			t.Errorf("%s -> %q, want %s", from, changed[from], to)
		}
	}
	if len(res.Changes) != 6 {
		t.Errorf("%d changes reported, want 6", len(res.Changes))
	}
	for i := 1; i < len(res.Changes); i++ {
		if res.Changes[i-1].Line >= res.Changes[i].Line {
			t.Errorf("changes not ordered by line: %d then %d", res.Changes[i-1].Line, res.Changes[i].Line)
		}
	}
}

func TestSeedOverridesAgainst2023_2AreStale(t *testing.T) {
	data, err := os.ReadFile(testutil.UpperConstraints(t, "2023.2"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse("2023.2/upper-constraints.txt", data)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Apply("2023.1", f, seedOverrides())
	if err == nil || res != nil {
		t.Fatal("want an error and no result")
	}
	msg := err.Error()
	for _, s := range []string{"release 2023.1", "pin cryptography", "expected upstream pin 38.0.2", "pins 40.0.2", "line 190", "stale"} {
		if !strings.Contains(msg, s) {
			t.Errorf("error does not mention %q:\n%s", s, msg)
		}
	}
}

func seedOverrides() []Override {
	return []Override{
		pin("cryptography", "38.0.2", "41.0.4", "CVE-2023-23931"),
		pin("Django", "3.2.16", "3.2.22", "CVE-2023-43665"),
		pin("pyOpenSSL", "22.1.0", "23.2.0"),
		pin("requests", "2.28.1", "2.31.0", "CVE-2023-32681"),
		pin("sqlparse", "0.4.3", "0.4.4", "CVE-2023-30608"),
		pin("urllib3", "1.26.12", "1.26.18", "CVE-2023-43804", "CVE-2023-45803"),
	}
}

const sample = "# comment stays\r\n" +
	"oslo.config===9.1.1\r\n" +
	"numpy===1.24.4;python_version=='3.8'\n" +
	"numpy===1.26.4;python_version>='3.9'\n" +
	"Django===3.2.16 # trailing comment\n" +
	"-c other.txt\n" +
	"loose>=1.0\n" +
	"zope.interface===5.5.2"

func TestApply(t *testing.T) {
	for _, tc := range []struct {
		name    string
		ovs     []Override
		want    string // patched file; "" when an error is expected
		wantErr []string
	}{
		{
			name: "pin keeps CRLF and any spelling of the name",
			ovs:  []Override{pin("oslo-config", "9.1.1", "9.1.2")},
			want: strings.Replace(sample, "oslo.config===9.1.1\r\n", "oslo.config===9.1.2\r\n", 1),
		},
		{
			name: "pin keeps a trailing comment",
			ovs:  []Override{pin("django", "3.2.16", "3.2.22")},
			want: strings.Replace(sample, "Django===3.2.16 #", "Django===3.2.22 #", 1),
		},
		{
			name: "pin of a last line without newline",
			ovs:  []Override{pin("zope-interface", "5.5.2", "6.0")},
			want: strings.Replace(sample, "zope.interface===5.5.2", "zope.interface===6.0", 1),
		},
		{
			name: "pin one marker",
			ovs:  []Override{{Op: OpPin, Package: "numpy", Expect: "1.26.4", Version: "1.26.5", Marker: `python_version >= "3.9"`, Reason: "r", Where: "t"}},
			want: strings.Replace(sample, "numpy===1.26.4;", "numpy===1.26.5;", 1),
		},
		{
			name:    "pin without marker meets lines with different pins",
			ovs:     []Override{pin("numpy", "1.26.4", "1.26.5")},
			wantErr: []string{"release r", "pin numpy", "expected upstream pin 1.26.4", "line 3 pins 1.24.4 [python_version == \"3.8\"]"},
		},
		{
			name:    "marker not present",
			ovs:     []Override{{Op: OpPin, Package: "numpy", Expect: "1.26.4", Version: "1.26.5", Marker: `python_version >= "3.12"`, Reason: "r", Where: "t"}},
			wantErr: []string{"no line of uc.txt has marker [python_version >= \"3.12\"]", "line 3 1.24.4", "line 4 1.26.4"},
		},
		{
			name:    "stale pin",
			ovs:     []Override{pin("Django", "3.2.15", "3.2.22")},
			wantErr: []string{"pin Django", "expected upstream pin 3.2.15", "line 5 pins 3.2.16", "stale"},
		},
		{
			name:    "absent package",
			ovs:     []Override{pin("flask", "2.0", "2.1")},
			wantErr: []string{"pin flask", "absent", "expected pin 2.0"},
		},
		{
			name:    "not greater",
			ovs:     []Override{pin("Django", "3.2.16", "3.2.9")},
			wantErr: []string{"pin Django", "3.2.9 is lower than the upstream pin 3.2.16", "downgrade"},
		},
		{
			name:    "equal is pointless",
			ovs:     []Override{pin("Django", "3.2.16", "3.2.16.0")},
			wantErr: []string{"equals the upstream pin"},
		},
		{
			name: "downgrade when asked",
			ovs:  []Override{{Op: OpPin, Package: "Django", Expect: "3.2.16", Version: "3.2.9", Downgrade: true, Reason: "r", Where: "t"}},
			want: strings.Replace(sample, "Django===3.2.16", "Django===3.2.9", 1),
		},
		{
			name:    "duplicate under another spelling",
			ovs:     []Override{pin("Django", "3.2.16", "3.2.22"), pin("django", "3.2.16", "3.2.21")},
			wantErr: []string{"duplicate override", "test:Django"},
		},
		{
			name: "two markers of one package are not duplicates",
			ovs: []Override{
				{Op: OpPin, Package: "numpy", Expect: "1.24.4", Version: "1.24.5", Marker: `python_version=='3.8'`, Reason: "r", Where: "a"},
				{Op: OpPin, Package: "numpy", Expect: "1.26.4", Version: "1.26.5", Marker: `python_version>='3.9'`, Reason: "r", Where: "b"},
			},
			want: strings.Replace(strings.Replace(sample, "1.24.4", "1.24.5", 1), "1.26.4", "1.26.5", 1),
		},
		{
			name:    "pin of a marker and of all lines overlap",
			ovs:     []Override{{Op: OpPin, Package: "numpy", Expect: "1.24.4", Version: "1.24.5", Marker: `python_version=='3.8'`, Reason: "r", Where: "a"}, pin("numpy", "1.26.4", "1.26.5")},
			wantErr: []string{"duplicate override"},
		},
		{
			name:    "malformed versions",
			ovs:     []Override{pin("Django", "3.2.16", "3.2.x")},
			wantErr: []string{`version "3.2.x" is not a PEP 440 version`},
		},
		{
			name:    "malformed expect",
			ovs:     []Override{pin("Django", "three", "3.2.22")},
			wantErr: []string{`expect "three" is not a PEP 440 version`},
		},
		{
			name:    "reason required",
			ovs:     []Override{{Op: OpPin, Package: "Django", Expect: "3.2.16", Version: "3.2.22", Where: "t"}},
			wantErr: []string{"reason is empty"},
		},
		{
			name:    "advisory ids are checked",
			ovs:     []Override{pin("Django", "3.2.16", "3.2.22", "cve 2023 1")},
			wantErr: []string{`advisory "cve 2023 1"`},
		},
		{
			name:    "unknown op",
			ovs:     []Override{{Op: "bump", Package: "Django", Reason: "r", Where: "t"}},
			wantErr: []string{`op "bump"`},
		},
		{
			name:    "unpinned line",
			ovs:     []Override{pin("loose", "1.0", "2.0")},
			wantErr: []string{"line 7", "not pinned"},
		},
		{
			name: "remove all lines of a package",
			ovs:  []Override{{Op: OpRemove, Package: "numpy", Reason: "r", Where: "t"}},
			want: strings.Replace(strings.Replace(sample, "numpy===1.24.4;python_version=='3.8'\n", "", 1), "numpy===1.26.4;python_version>='3.9'\n", "", 1),
		},
		{
			name: "remove one marker",
			ovs:  []Override{{Op: OpRemove, Package: "numpy", Marker: "python_version == '3.8'", Reason: "r", Where: "t"}},
			want: strings.Replace(sample, "numpy===1.24.4;python_version=='3.8'\n", "", 1),
		},
		{
			name:    "remove with a stale expect",
			ovs:     []Override{{Op: OpRemove, Package: "Django", Expect: "3.2.15", Reason: "r", Where: "t"}},
			wantErr: []string{"remove Django", "expected upstream pin 3.2.15", "pins 3.2.16"},
		},
		{
			name:    "remove of an absent package",
			ovs:     []Override{{Op: OpRemove, Package: "horizon", Reason: "r", Where: "t"}},
			wantErr: []string{"remove horizon", "absent"},
		},
		{
			name: "add appends, mending a missing final newline",
			ovs:  []Override{{Op: OpAdd, Requirement: "setuptools<82", Reason: "r", Where: "t"}},
			want: sample + "\nsetuptools<82\n",
		},
		{
			name:    "add of a pinned package",
			ovs:     []Override{{Op: OpAdd, Requirement: "django>=4", Reason: "r", Where: "t"}},
			wantErr: []string{`add "django>=4"`, "already has Django===3.2.16", "line 5", "override.pin"},
		},
		{
			name:    "add of a malformed requirement",
			ovs:     []Override{{Op: OpAdd, Requirement: "setuptools<<82", Reason: "r", Where: "t"}},
			wantErr: []string{"not a PEP 508 requirement"},
		},
		{
			name:    "add takes no package",
			ovs:     []Override{{Op: OpAdd, Requirement: "setuptools<82", Package: "setuptools", Reason: "r", Where: "t"}},
			wantErr: []string{"add takes only requirement"},
		},
		{
			name:    "add twice",
			ovs:     []Override{{Op: OpAdd, Requirement: "setuptools<82", Reason: "r", Where: "a"}, {Op: OpAdd, Requirement: "SetupTools<83", Reason: "r", Where: "b"}},
			wantErr: []string{"duplicate override"},
		},
		{
			name:    "every problem is reported at once",
			ovs:     []Override{pin("Django", "3.2.15", "3.2.22"), pin("flask", "2.0", "2.1")},
			wantErr: []string{"pin Django", "pin flask"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := mustParse(t, "uc.txt", sample)
			res, err := Apply("r", f, tc.ovs)
			if tc.wantErr != nil {
				if err == nil {
					t.Fatalf("no error; patched:\n%s", res.Data)
				}
				if res != nil {
					t.Error("a result came with the error")
				}
				for _, s := range tc.wantErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error does not mention %q:\n%v", s, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(res.Data) != tc.want {
				t.Errorf("patched:\n%q\nwant:\n%q", res.Data, tc.want)
			}
		})
	}
}

func TestReportRecordsChange(t *testing.T) {
	f := mustParse(t, "uc.txt", sample)
	res, err := Apply("r", f, []Override{pin("django", "3.2.16", "3.2.22", "CVE-2023-43665")})
	if err != nil {
		t.Fatal(err)
	}
	rep := Report{Release: "r", Upstream: Upstream{SHA256: "x"}, PatchedSHA256: res.SHA256(), Changes: res.Changes}
	b, err := rep.JSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"package": "Django"`, `"from": "3.2.16"`, `"to": "3.2.22"`, `"line": 5`, `"CVE-2023-43665"`, `"reason": "test"`} {
		if !bytes.Contains(b, []byte(s)) {
			t.Errorf("report lacks %s:\n%s", s, b)
		}
	}
}

func TestParseErrorsNameFileAndLine(t *testing.T) {
	_, err := Parse("uc.txt", []byte("good===1.0\nbad===1.0;python_version ~~ '3'\n"))
	if err == nil || !strings.Contains(err.Error(), "uc.txt:2") {
		t.Fatalf("err = %v, want uc.txt:2", err)
	}
	_, err = Parse("uc.txt", []byte("pkg @ https://example.invalid/pkg.whl\n"))
	if err == nil || !strings.Contains(err.Error(), "direct URL") {
		t.Fatalf("err = %v, want a direct URL error", err)
	}
}

func TestDecodeOverrides(t *testing.T) {
	ovs, err := DecodeOverrides("o.json", []byte(`[{"op":"pin","package":"Django","expect":"3.2.16","version":"3.2.22","advisories":["CVE-2023-43665"],"reason":"r","marker":"","downgrade":false},{"op":"add","requirement":"setuptools<82","reason":"r","advisories":[]}]`))
	if err != nil {
		t.Fatal(err)
	}
	if len(ovs) != 2 || ovs[0].Version != "3.2.22" || ovs[1].Requirement != "setuptools<82" || ovs[1].Where != "o.json: override #2" {
		t.Errorf("decoded %+v", ovs)
	}
	for _, bad := range []string{`{}`, `[{"op":"pin","pakage":"x"}]`, `[] []`, `[{"op":1}]`} {
		if _, err := DecodeOverrides("o.json", []byte(bad)); err == nil || !strings.Contains(err.Error(), "o.json") {
			t.Errorf("DecodeOverrides(%s) = %v, want an error naming o.json", bad, err)
		}
	}
}
