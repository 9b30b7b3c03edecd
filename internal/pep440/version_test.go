package pep440

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

type parseCase struct {
	in                  string
	invalid             bool
	str                 string
	epoch               int
	release             []int
	pre, post, dev      bool
	local, public, base string
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases {
		v, err := Parse(tc.in)
		if tc.invalid {
			if err == nil {
				t.Errorf("Parse(%q) = %s, want error", tc.in, v)
			} else if !errors.Is(err, ErrInvalidVersion) {
				t.Errorf("Parse(%q) error %v does not wrap ErrInvalidVersion", tc.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if got := v.String(); got != tc.str {
			t.Errorf("Parse(%q).String() = %q, want %q", tc.in, got, tc.str)
		}
		if v.Epoch() != tc.epoch || !slices.Equal(v.Release(), tc.release) {
			t.Errorf("Parse(%q): epoch %d release %v, want %d %v", tc.in, v.Epoch(), v.Release(), tc.epoch, tc.release)
		}
		if v.IsPrerelease() != tc.pre || v.IsPostrelease() != tc.post || v.IsDevrelease() != tc.dev {
			t.Errorf("Parse(%q): pre/post/dev %v %v %v, want %v %v %v", tc.in,
				v.IsPrerelease(), v.IsPostrelease(), v.IsDevrelease(), tc.pre, tc.post, tc.dev)
		}
		if v.Local() != tc.local || v.Public() != tc.public || v.BaseVersion() != tc.base {
			t.Errorf("Parse(%q): local %q public %q base %q, want %q %q %q", tc.in,
				v.Local(), v.Public(), v.BaseVersion(), tc.local, tc.public, tc.base)
		}
		if again := MustParse(v.String()); !again.Equal(v) || again.String() != tc.str {
			t.Errorf("Parse(%q): normalised form %q does not round-trip", tc.in, tc.str)
		}
	}
}

// packaging accepts numbers of any size up to CPython's 4300-digit int()
// limit; we reject release, epoch, pre, post and dev numbers beyond int64
// (a documented deviation) but keep local numbers of any size.
func TestParseLargeNumbers(t *testing.T) {
	for _, s := range []string{"99999999999999999999", "1.0.99999999999999999999", "1!99999999999999999999",
		"1.0a99999999999999999999", "1.0.post99999999999999999999", "1.0.dev99999999999999999999",
		"1." + strings.Repeat("0", 4301), "1.0+" + strings.Repeat("1", 4301)} {
		if v, err := Parse(s); err == nil {
			t.Errorf("Parse(%.40q) = %s, want error", s, v)
		}
	}
	v := MustParse("1.0+" + strings.Repeat("0", 30) + "123456789012345678901234567890")
	if got := v.Local(); got != "123456789012345678901234567890" {
		t.Errorf("long local number: got %q", got)
	}
	if MustParse("1.0+99999999999999999999").Compare(MustParse("1.0+100000000000000000000")) != -1 {
		t.Error("long local numbers must compare numerically")
	}
	if got := MustParse("01." + strings.Repeat("0", 30) + "7").String(); got != "1.7" {
		t.Errorf("leading zeros: got %q", got)
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustParse(\"nope\") did not panic")
		}
	}()
	MustParse("nope")
}

func TestParseErrorNamesInput(t *testing.T) {
	_, err := Parse("1.0-foo")
	if err == nil || !strings.Contains(err.Error(), `"1.0-foo"`) {
		t.Errorf("error %v does not name the input", err)
	}
}

func TestReleaseIsCopy(t *testing.T) {
	v := MustParse("1.2.3")
	v.Release()[0] = 9
	if v.String() != "1.2.3" {
		t.Errorf("Release() exposed internal state: %s", v)
	}
}

func BenchmarkParse(b *testing.B) {
	inputs := []string{"1.2.3", "2023.7.22", "1!2.0rc1.post2.dev3+ubuntu.1", " v1.0-ALPHA-1 ", "41.0.4"}
	for b.Loop() {
		for _, s := range inputs {
			if _, err := Parse(s); err != nil {
				b.Fatal(err)
			}
		}
	}
}
