package pep425

import (
	"errors"
	"regexp"
	"sort"
	"strings"
	"testing"
)

type wheelFilenameCase struct {
	fn          string
	ok          bool
	name        string // canonicalised, as packaging returns it
	hasBuild    bool
	buildNumber int
	buildSuffix string
	tags        []string // sorted
}

type parseTagCase struct {
	s    string
	ok   bool
	tags []string // sorted
}

// canonicalName is PEP 503 normalisation, only to compare with packaging's
// normalised names.
func canonicalName(s string) string {
	return regexp.MustCompile(`[-_.]+`).ReplaceAllString(pyLower(s), "-")
}

func tagStrings(tags []Tag) []string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = t.String()
	}
	sort.Strings(out)
	return out
}

func TestParseWheelFilename(t *testing.T) {
	if len(wheelFilenameCases) < 100 {
		t.Fatalf("only %d cases", len(wheelFilenameCases))
	}
	for _, c := range wheelFilenameCases {
		w, err := ParseWheelFilename(c.fn)
		if !c.ok {
			if err == nil {
				t.Errorf("ParseWheelFilename(%q) = %+v, want error", c.fn, w)
			} else if !errors.Is(err, ErrInvalidWheelFilename) || !strings.Contains(err.Error(), c.fn) {
				t.Errorf("ParseWheelFilename(%q) error %q does not wrap ErrInvalidWheelFilename and name the file", c.fn, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseWheelFilename(%q): %v", c.fn, err)
			continue
		}
		if got := canonicalName(w.Name); got != c.name {
			t.Errorf("ParseWheelFilename(%q).Name = %q (canonical %q), want %q", c.fn, w.Name, got, c.name)
		}
		if w.HasBuild != c.hasBuild || w.BuildNumber != c.buildNumber || w.BuildSuffix() != c.buildSuffix {
			t.Errorf("ParseWheelFilename(%q) build = %v %d %q, want %v %d %q", c.fn,
				w.HasBuild, w.BuildNumber, w.BuildSuffix(), c.hasBuild, c.buildNumber, c.buildSuffix)
		}
		if got := tagStrings(w.Tags); strings.Join(got, " ") != strings.Join(c.tags, " ") {
			t.Errorf("ParseWheelFilename(%q).Tags = %q, want %q", c.fn, got, c.tags)
		}
		if w.String() != c.fn {
			t.Errorf("ParseWheelFilename(%q).String() = %q", c.fn, w.String())
		}
	}
}

func TestParseWheelFilenameFields(t *testing.T) {
	w, err := ParseWheelFilename("cryptography-41.0.4-2rc-cp37-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")
	if err != nil {
		t.Fatal(err)
	}
	want := WheelFilename{
		Name: "cryptography", Version: "41.0.4", BuildNumber: 2, BuildTag: "2rc", HasBuild: true,
		TagSet: "cp37-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64",
		Tags:   []Tag{{"cp37", "abi3", "manylinux_2_17_x86_64"}, {"cp37", "abi3", "manylinux2014_x86_64"}},
	}
	if w.String() != want.String() || w.Name != want.Name || w.Version != want.Version ||
		w.BuildNumber != want.BuildNumber || w.BuildTag != want.BuildTag || !w.HasBuild ||
		w.TagSet != want.TagSet || len(w.Tags) != 2 || w.Tags[0] != want.Tags[0] || w.Tags[1] != want.Tags[1] {
		t.Errorf("got %+v, want %+v", w, want)
	}
	if s := w.BuildSuffix(); s != "rc" {
		t.Errorf("BuildSuffix() = %q", s)
	}
}

// TestParseWheelFilenameDeviations pins where this package knowingly differs
// from packaging 26.3: Python accepts any size of build number.
func TestParseWheelFilenameDeviations(t *testing.T) {
	for _, fn := range []string{
		"foo-1.0-9223372036854775808-py3-none-any.whl",
		"foo-1.0-99999999999999999999999-py3-none-any.whl",
	} {
		if _, err := ParseWheelFilename(fn); !errors.Is(err, ErrInvalidWheelFilename) {
			t.Errorf("ParseWheelFilename(%q) = %v, want ErrInvalidWheelFilename", fn, err)
		}
	}
}

func TestParseTag(t *testing.T) {
	for _, c := range parseTagCases {
		tags, err := ParseTag(c.s)
		if !c.ok {
			if err == nil {
				t.Errorf("ParseTag(%q) = %v, want error", c.s, tags)
			} else if !errors.Is(err, ErrInvalidTag) {
				t.Errorf("ParseTag(%q) error %v does not wrap ErrInvalidTag", c.s, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseTag(%q): %v", c.s, err)
			continue
		}
		if got := tagStrings(tags); strings.Join(got, " ") != strings.Join(c.tags, " ") {
			t.Errorf("ParseTag(%q) = %q, want %q", c.s, got, c.tags)
		}
	}
}

func TestParseTagOrderAndLimit(t *testing.T) {
	tags, err := ParseTag("py2.py3.PY2-none.abi3-any")
	if err != nil {
		t.Fatal(err)
	}
	want := []Tag{{"py2", "none", "any"}, {"py2", "abi3", "any"}, {"py3", "none", "any"}, {"py3", "abi3", "any"}}
	if len(tags) != len(want) {
		t.Fatalf("ParseTag = %v, want %v", tags, want)
	}
	for i := range want {
		if tags[i] != want[i] {
			t.Fatalf("ParseTag = %v, want %v", tags, want)
		}
	}
	many := strings.Repeat("a.", 40) + "a"
	big := many + "-" + many + "-" + many // 41^3 tags
	if tags, err := ParseTag(big); err != nil || len(tags) != 1 {
		t.Errorf("ParseTag(41 x 41 x 41 duplicates) = %d tags, %v", len(tags), err)
	}
	distinct := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = "x" + strings.Repeat("y", i)
		}
		return strings.Join(parts, ".")
	}
	if _, err := ParseTag(distinct(64) + "-" + distinct(32) + "-" + distinct(65)); !errors.Is(err, ErrTooManyTags) {
		t.Errorf("ParseTag of MaxTags+2048 tags: %v, want ErrTooManyTags", err)
	}
	if tags, err := ParseTag(distinct(64) + "-" + distinct(32) + "-" + distinct(64)); err != nil || len(tags) != MaxTags {
		t.Errorf("ParseTag of MaxTags tags: %d, %v", len(tags), err)
	}
}

func TestValidVersion(t *testing.T) {
	if len(versionCases) < 100 {
		t.Fatalf("only %d cases", len(versionCases))
	}
	for _, c := range versionCases {
		if got := validVersion(c.s); got != c.ok {
			t.Errorf("validVersion(%q) = %v, want %v", c.s, got, c.ok)
		}
	}
}

func TestParseSdistFilename(t *testing.T) {
	for _, c := range sdistCases {
		name, version, err := ParseSdistFilename(c.fn)
		if !c.ok {
			if err == nil {
				t.Errorf("ParseSdistFilename(%q) = %q, %q, want error", c.fn, name, version)
			} else if !errors.Is(err, ErrInvalidSdistFilename) || !strings.Contains(err.Error(), c.fn) {
				t.Errorf("ParseSdistFilename(%q) error %q does not wrap ErrInvalidSdistFilename and name the file", c.fn, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseSdistFilename(%q): %v", c.fn, err)
			continue
		}
		if got := canonicalName(name); got != c.name {
			t.Errorf("ParseSdistFilename(%q) name = %q (canonical %q), want %q", c.fn, name, got, c.name)
		}
		suffix := ".tar.gz"
		if strings.HasSuffix(c.fn, ".zip") {
			suffix = ".zip"
		}
		if name+"-"+version+suffix != c.fn {
			t.Errorf("ParseSdistFilename(%q) = %q, %q: not the file's own spelling", c.fn, name, version)
		}
	}
}
