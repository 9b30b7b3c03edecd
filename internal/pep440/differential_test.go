package pep440

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// The differential tests replay a random corpus written by
// testdata/gendiff.py with the reference packaging. They need that corpus, so
// they only run when PEP440_DIFF_DIR names its directory.
func readCorpus[T any](t *testing.T, name string) []T {
	t.Helper()
	dir := os.Getenv("PEP440_DIFF_DIR")
	if dir == "" {
		t.Skip("PEP440_DIFF_DIR not set; see testdata/gendiff.py")
	}
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var rec T
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDifferentialParse(t *testing.T) {
	type record struct {
		S, Str, Local, Public, Base string
		OK, Pre, Post, Dev          bool
		Epoch                       int
		Release                     []int
	}
	for _, r := range readCorpus[record](t, "parse.jsonl") {
		tc := parseCase{in: r.S, invalid: !r.OK, str: r.Str, epoch: r.Epoch, release: r.Release,
			pre: r.Pre, post: r.Post, dev: r.Dev, local: r.Local, public: r.Public, base: r.Base}
		v, err := Parse(tc.in)
		if (err != nil) != tc.invalid {
			t.Errorf("Parse(%q) = %s, %v; packaging valid = %v", tc.in, v, err, r.OK)
			continue
		}
		if err == nil && (v.String() != tc.str || v.Epoch() != tc.epoch || !slices.Equal(v.Release(), tc.release) ||
			v.IsPrerelease() != tc.pre || v.IsPostrelease() != tc.post || v.IsDevrelease() != tc.dev ||
			v.Local() != tc.local || v.Public() != tc.public || v.BaseVersion() != tc.base) {
			t.Errorf("Parse(%q) = %s, packaging %+v", tc.in, v, r)
		}
	}
}

func TestDifferentialCompare(t *testing.T) {
	for _, r := range readCorpus[struct {
		A, B string
		C    int
	}](t, "compare.jsonl") {
		if got := MustParse(r.A).Compare(MustParse(r.B)); got != r.C {
			t.Errorf("Compare(%q, %q) = %d, packaging %d", r.A, r.B, got, r.C)
		}
	}
}

func TestDifferentialSpecifiers(t *testing.T) {
	type record struct {
		S     string
		OK    bool
		Str   string
		Specs [][2]string
		Spre  []bool
		Pre   bool
		Vs    []string
		C     [][3]bool
		Sc    [][][3]bool
		F     [3][]string
	}
	for _, r := range readCorpus[record](t, "specs.jsonl") {
		ss, err := ParseSpecifierSet(r.S)
		if (err == nil) != r.OK {
			t.Errorf("ParseSpecifierSet(%q): %v; packaging valid = %v", r.S, err, r.OK)
			continue
		}
		if !r.OK {
			continue
		}
		specs := ss.Specifiers()
		if ss.String() != r.Str || ss.Prereleases() != r.Pre || len(specs) != len(r.Specs) {
			t.Errorf("%q: String %q Prereleases %v clauses %v; packaging %q %v %v", r.S, ss, ss.Prereleases(), specs, r.Str, r.Pre, r.Specs)
			continue
		}
		for i, sp := range specs {
			if sp != (Specifier{r.Specs[i][0], r.Specs[i][1]}) || sp.Prereleases() != r.Spre[i] {
				t.Errorf("%q: clause %d = %#v (prereleases %v), packaging %v (%v)", r.S, i, sp, sp.Prereleases(), r.Specs[i], r.Spre[i])
			}
		}
		vs := make([]Version, len(r.Vs))
		for i, s := range r.Vs {
			vs[i] = MustParse(s)
		}
		for m := range 3 {
			pre := preMode(m).ptr()
			for i, v := range vs {
				if got := ss.Contains(v, pre); got != r.C[i][m] {
					t.Errorf("SpecifierSet(%q).Contains(%s, %v) = %v", r.S, v, pre, got)
				}
				for j, sp := range specs {
					if got := sp.Contains(v, pre); got != r.Sc[j][i][m] {
						t.Errorf("Specifier(%q).Contains(%s, %v) = %v", sp, v, pre, got)
					}
				}
			}
			got := []string{}
			for _, v := range ss.Filter(vs, pre) {
				got = append(got, v.String())
			}
			if !slices.Equal(got, r.F[m]) {
				t.Errorf("SpecifierSet(%q).Filter(%v, %v) = %v, packaging %v", r.S, r.Vs, pre, got, r.F[m])
			}
		}
	}
}
