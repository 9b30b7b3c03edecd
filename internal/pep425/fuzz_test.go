package pep425

import (
	"strings"
	"testing"
)

// checkTags asserts what every successful tag parse promises: a bounded,
// duplicate-free list of tags that each print and re-parse to themselves.
func checkTags(t *testing.T, src string, tags []Tag) {
	t.Helper()
	if len(tags) == 0 || len(tags) > MaxTags {
		t.Fatalf("%q: %d tags", src, len(tags))
	}
	seen := map[Tag]bool{}
	for _, tag := range tags {
		if seen[tag] {
			t.Fatalf("%q: duplicate tag %v", src, tag)
		}
		seen[tag] = true
		again, err := ParseTag(tag.String())
		if err != nil || len(again) != 1 || again[0] != tag {
			t.Fatalf("%q: tag %q re-parses to %v, %v", src, tag, again, err)
		}
	}
}

func FuzzParseWheelFilename(f *testing.F) {
	for _, c := range wheelFilenameCases {
		f.Add(c.fn)
	}
	f.Fuzz(func(t *testing.T, fn string) {
		w, err := ParseWheelFilename(fn)
		if err != nil {
			if !strings.Contains(err.Error(), "wheel filename") {
				t.Fatalf("%q: error %q does not say what failed", fn, err)
			}
			return
		}
		if w.String() != fn {
			t.Fatalf("%q: String() = %q", fn, w.String())
		}
		if !validVersion(w.Version) || !validWheelName(w.Name) {
			t.Fatalf("%q: accepted name %q version %q", fn, w.Name, w.Version)
		}
		if w.HasBuild && (w.BuildTag == "" || w.BuildTag[0] < '0' || w.BuildTag[0] > '9' || w.BuildNumber < 0) {
			t.Fatalf("%q: build tag %q number %d", fn, w.BuildTag, w.BuildNumber)
		}
		checkTags(t, fn, w.Tags)
		again, err := ParseWheelFilename(w.String())
		if err != nil || again.String() != fn || len(again.Tags) != len(w.Tags) {
			t.Fatalf("%q: re-parse gave %+v, %v", fn, again, err)
		}
	})
}

func FuzzParseTag(f *testing.F) {
	for _, c := range parseTagCases {
		f.Add(c.s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tags, err := ParseTag(s)
		if err != nil {
			return
		}
		checkTags(t, s, tags)
		if strings.Count(s, "-") != 2 {
			t.Fatalf("%q: accepted without three components", s)
		}
	})
}

func FuzzParseSdistFilename(f *testing.F) {
	for _, c := range sdistCases {
		f.Add(c.fn)
	}
	f.Fuzz(func(t *testing.T, fn string) {
		name, version, err := ParseSdistFilename(fn)
		if err != nil {
			return
		}
		if name == "" || !validVersion(version) || strings.Contains(version, "-") {
			t.Fatalf("%q: accepted name %q version %q", fn, name, version)
		}
		if name+"-"+version+".tar.gz" != fn && name+"-"+version+".zip" != fn {
			t.Fatalf("%q: parts %q %q do not rebuild the name", fn, name, version)
		}
	})
}
