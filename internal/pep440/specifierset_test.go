package pep440

import (
	"errors"
	"slices"
	"testing"
)

type filterCase struct {
	spec     string
	versions []string
	pre      preMode
	want     []string
}

func TestFilter(t *testing.T) {
	for _, tc := range filterCases {
		ss, err := ParseSpecifierSet(tc.spec)
		if err != nil {
			t.Fatalf("ParseSpecifierSet(%q): %v", tc.spec, err)
		}
		vs := make([]Version, len(tc.versions))
		for i, s := range tc.versions {
			vs[i] = MustParse(s)
		}
		got := []string{}
		for _, v := range ss.Filter(vs, tc.pre.ptr()) {
			got = append(got, v.String())
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("SpecifierSet(%q).Filter(%v, %v) = %v, want %v", tc.spec, tc.versions, tc.pre.ptr(), got, tc.want)
		}
	}
}

type setStringCase struct {
	in          string
	invalid     bool
	str         string
	specs       []Specifier
	prereleases bool
}

func TestSpecifierSetString(t *testing.T) {
	for _, tc := range setStringCases {
		ss, err := ParseSpecifierSet(tc.in)
		if tc.invalid {
			if err == nil || !errors.Is(err, ErrInvalidSpecifier) {
				t.Errorf("ParseSpecifierSet(%q) = %s, %v; want ErrInvalidSpecifier", tc.in, ss, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseSpecifierSet(%q): %v", tc.in, err)
			continue
		}
		if got := ss.String(); got != tc.str {
			t.Errorf("ParseSpecifierSet(%q).String() = %q, want %q", tc.in, got, tc.str)
		}
		if got := ss.Specifiers(); !slices.Equal(got, tc.specs) {
			t.Errorf("ParseSpecifierSet(%q).Specifiers() = %v, want %v", tc.in, got, tc.specs)
		}
		if got := ss.Prereleases(); got != tc.prereleases {
			t.Errorf("ParseSpecifierSet(%q).Prereleases() = %v, want %v", tc.in, got, tc.prereleases)
		}
		again, err := ParseSpecifierSet(ss.String())
		if err != nil || again.String() != tc.str {
			t.Errorf("ParseSpecifierSet(%q) does not round-trip: %q, %v", tc.str, again, err)
		}
	}
}

type intersectCase struct {
	a, b        string
	str         string
	specs       []Specifier
	prereleases bool
}

func TestIntersect(t *testing.T) {
	for _, tc := range intersectCases {
		a, errA := ParseSpecifierSet(tc.a)
		b, errB := ParseSpecifierSet(tc.b)
		if errA != nil || errB != nil {
			t.Fatalf("parse %q, %q: %v, %v", tc.a, tc.b, errA, errB)
		}
		got := a.Intersect(b)
		if got.String() != tc.str || !slices.Equal(got.Specifiers(), tc.specs) || got.Prereleases() != tc.prereleases {
			t.Errorf("%q & %q = %q %v %v, want %q %v %v", tc.a, tc.b, got, got.Specifiers(), got.Prereleases(), tc.str, tc.specs, tc.prereleases)
		}
		if a.String() != mustParseSet(t, tc.a).String() {
			t.Errorf("Intersect modified its receiver %q", tc.a)
		}
	}
}

func mustParseSet(t *testing.T, s string) SpecifierSet {
	t.Helper()
	ss, err := ParseSpecifierSet(s)
	if err != nil {
		t.Fatal(err)
	}
	return ss
}

func TestZeroSpecifierSet(t *testing.T) {
	var ss SpecifierSet
	if !ss.Contains(MustParse("1.0a1"), nil) || ss.String() != "" || len(ss.Specifiers()) != 0 || ss.Prereleases() {
		t.Error("zero SpecifierSet must be the empty set")
	}
}
