package indexconfig

import (
	"strings"
	"testing"
)

// FuzzParseINI checks that no pip.conf text panics the parser, and that what it accepts has the
// shape configparser gives: normalised keys and
// values made of stripped lines.
func FuzzParseINI(f *testing.F) {
	for _, tc := range iniCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		file, err := parseINI([]byte(in))
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, s := range file.sections {
			if s.name == "" || s.name == defaultSection || seen[s.name] {
				t.Fatalf("section %q: empty, DEFAULT or repeated", s.name)
			}
			seen[s.name] = true
			for k, v := range s.items {
				if k != strings.TrimRightFunc(k, pySpace) || strings.ContainsAny(k, "=:_\n\r") || k != pyLower(k) {
					t.Fatalf("key %q is not normalised", k)
				}
				if v != strings.TrimRightFunc(v, pySpace) {
					t.Fatalf("value %q of %q keeps trailing whitespace", v, k)
				}
				for _, line := range strings.Split(v, "\n") {
					if line != pyStrip(line) || strings.Contains(line, "\r") {
						t.Fatalf("value %q of %q has an unstripped line %q", v, k, line)
					}
				}
			}
		}
	})
}
