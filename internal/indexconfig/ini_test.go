package indexconfig

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

type kv struct{ key, value string }

type wantSection struct {
	name  string
	items []kv
}

type iniCase struct {
	in   string
	want []wantSection
	err  string // configparser's exception class
}

// errorText maps configparser's exceptions to the wording of ours.
var errorText = map[string]string{
	"MissingSectionHeaderError": "before any [section] header",
	"DuplicateSectionError":     "appears twice",
	"DuplicateOptionError":      "appears twice in section",
	"ParsingError":              "no '=' or ':'",
}

func TestParseINI(t *testing.T) {
	for _, tc := range iniCases {
		f, err := parseINI([]byte(tc.in))
		if tc.err != "" {
			if err == nil || !errors.Is(err, errINI) || !strings.Contains(err.Error(), errorText[tc.err]) {
				t.Errorf("parseINI(%q) error = %v, want %s", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseINI(%q): %v", tc.in, err)
			continue
		}
		if got := sections(f); !slices.EqualFunc(got, tc.want, sectionEqual) {
			t.Errorf("parseINI(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseINIRejectsInvalidUTF8(t *testing.T) {
	if _, err := parseINI([]byte("[global]\nindex-url = \xff\n")); err == nil || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("error = %v, want one about UTF-8", err)
	}
}

func sections(f *iniFile) []wantSection {
	out := []wantSection{}
	for _, s := range f.sections {
		items := []kv{}
		for k, v := range s.items {
			items = append(items, kv{k, v})
		}
		slices.SortFunc(items, func(a, b kv) int { return strings.Compare(a.key, b.key) })
		out = append(out, wantSection{s.name, items})
	}
	return out
}

func sectionEqual(a, b wantSection) bool {
	return a.name == b.name && slices.Equal(a.items, b.items)
}
