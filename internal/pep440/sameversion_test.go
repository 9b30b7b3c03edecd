package pep440

import "testing"

func TestSameVersion(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"3.2.16", "3.2.16", true},
		{"3.2.16", "3.2.16.0", true},
		{"1.0rc1", "1.0c1", true},
		{"1!1.0", "1.0", false},
		{"1.0+local", "1.0", false},
		{"2.28.1", "2.28.2", false},
		{"foo-bar", "foo-bar", true}, // not PEP 440: compared as text
		{"foo-bar", "Foo-Bar", false},
		{"1.0", "foo", false},
	} {
		if got := SameVersion(tc.a, tc.b); got != tc.want {
			t.Errorf("SameVersion(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
