package pep440

import (
	"errors"
	"testing"
)

// preMode selects the prereleases argument: unset (nil), yes or no.
type preMode int

const (
	unset preMode = iota
	yes
	no
)

func (m preMode) ptr() *bool {
	switch m {
	case yes:
		return new(true)
	case no:
		return new(false)
	}
	return nil
}

type containsCase struct {
	spec    string
	version string
	want    [3]bool // for prereleases nil, true, false
}

func TestSpecifierContains(t *testing.T) {
	for _, tc := range specifierContains {
		sp, err := ParseSpecifier(tc.spec)
		if err != nil {
			t.Errorf("ParseSpecifier(%q): %v", tc.spec, err)
			continue
		}
		v := MustParse(tc.version)
		for m := range tc.want {
			if got := sp.Contains(v, preMode(m).ptr()); got != tc.want[m] {
				t.Errorf("Specifier(%q).Contains(%s, %v) = %v, want %v", tc.spec, tc.version, preMode(m).ptr(), got, tc.want[m])
			}
		}
	}
}

func TestSetContains(t *testing.T) {
	cases := append(setContains, specifierContains...) // a one-clause set behaves like its clause
	for _, tc := range cases {
		ss, err := ParseSpecifierSet(tc.spec)
		if err != nil {
			t.Errorf("ParseSpecifierSet(%q): %v", tc.spec, err)
			continue
		}
		v := MustParse(tc.version)
		for m := range tc.want {
			if got := ss.Contains(v, preMode(m).ptr()); got != tc.want[m] {
				t.Errorf("SpecifierSet(%q).Contains(%s, %v) = %v, want %v", tc.spec, tc.version, preMode(m).ptr(), got, tc.want[m])
			}
		}
	}
}

func TestParseSpecifier(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Specifier
	}{
		{" >= 1.0 ", Specifier{">=", "1.0"}},
		{"==v1.0.*", Specifier{"==", "v1.0.*"}},
		{"====1", Specifier{"===", "=1"}},
		{"===", Specifier{"===", ""}},
		{"~=1.0.POST1", Specifier{"~=", "1.0.POST1"}},
		{"<\u30001.0", Specifier{"<", "1.0"}},
	} {
		got, err := ParseSpecifier(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseSpecifier(%q) = %#v, %v; want %#v", tc.in, got, err, tc.want)
		}
		if got.String() != tc.want.Operator+tc.want.Version {
			t.Errorf("String() = %q", got.String())
		}
	}
	for _, in := range []string{"", "1.0", "=1.0", ">=1.0,<2", "~=1", ">=1.0.*", "<1.0+l", "===a b"} {
		if sp, err := ParseSpecifier(in); err == nil || !errors.Is(err, ErrInvalidSpecifier) {
			t.Errorf("ParseSpecifier(%q) = %v, %v; want ErrInvalidSpecifier", in, sp, err)
		}
	}
}

// packaging's ~= pattern matches letters case-insensitively in full Unicode,
// so it accepts "~=1.0.po\u017ft1" (LATIN SMALL LETTER LONG S) and then fails
// with AssertionError on first use. We reject it up front.
func TestParseSpecifierUnicodeFold(t *testing.T) {
	for _, in := range []string{"~=1.0.po\u017ft1", "~=1.0pr\u0131view1", "~=1.0PR\u0130VIEW"} {
		if _, err := ParseSpecifier(in); err == nil {
			t.Errorf("ParseSpecifier(%q) accepted", in)
		}
	}
}

func TestHandBuiltSpecifier(t *testing.T) {
	v := MustParse("1.0")
	if !(Specifier{Operator: ">=", Version: "1.0"}).Contains(v, nil) {
		t.Error("hand-built >=1.0 should contain 1.0")
	}
	for _, sp := range []Specifier{{"=", "1.0"}, {">=", "1.0.*"}, {">=", " 1.0"}, {"", ""}} {
		if sp.Contains(v, nil) || sp.Prereleases() {
			t.Errorf("invalid %#v must contain nothing and not name a pre-release", sp)
		}
	}
	if !(Specifier{Operator: "<", Version: "2.0rc1"}).Prereleases() {
		t.Error("<2.0rc1 names a pre-release")
	}
}
