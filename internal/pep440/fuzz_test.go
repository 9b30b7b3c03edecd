package pep440

import (
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.in, "1.0")
	}
	for _, tc := range comparePairs {
		f.Add(tc.a, tc.b)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		va, err := Parse(a)
		if err != nil {
			return
		}
		s := va.String()
		again, err := Parse(s)
		if err != nil {
			t.Fatalf("String() of %q = %q does not re-parse: %v", a, s, err)
		}
		if !again.Equal(va) || again.String() != s {
			t.Fatalf("%q -> %q -> %q: not equal", a, s, again)
		}
		if got := va.Public() + plusLocal(va.Local()); got != s {
			t.Fatalf("%q: Public()+Local() = %q, String() = %q", a, got, s)
		}
		if !strings.HasPrefix(va.Public(), va.BaseVersion()) {
			t.Fatalf("%q: Public %q lacks base %q", a, va.Public(), va.BaseVersion())
		}
		vb, err := Parse(b)
		if err != nil {
			return
		}
		ab, ba := va.Compare(vb), vb.Compare(va)
		if ab != -ba || ab < -1 || ab > 1 {
			t.Fatalf("Compare(%q, %q) = %d but Compare(%q, %q) = %d", a, b, ab, b, a, ba)
		}
		if (ab == 0) != (va.String() == vb.String() || va.canonical(true) == vb.canonical(true)) {
			t.Fatalf("Compare(%q, %q) = %d disagrees with their canonical forms", a, b, ab)
		}
	})
}

func plusLocal(local string) string {
	if local == "" {
		return ""
	}
	return "+" + local
}

func FuzzParseSpecifierSet(f *testing.F) {
	for _, tc := range setStringCases {
		f.Add(tc.in, "1.0")
	}
	for _, tc := range setContains {
		f.Add(tc.spec, tc.version)
	}
	f.Fuzz(func(t *testing.T, spec, version string) {
		ss, err := ParseSpecifierSet(spec)
		if err != nil {
			return
		}
		s := ss.String()
		again, err := ParseSpecifierSet(s)
		if err != nil {
			t.Fatalf("String() of %q = %q does not re-parse: %v", spec, s, err)
		}
		if again.String() != s {
			t.Fatalf("%q -> %q -> %q", spec, s, again)
		}
		for _, sp := range ss.Specifiers() {
			one, err := ParseSpecifier(sp.String())
			if err != nil || one != sp {
				t.Fatalf("clause %q of %q does not re-parse: %v", sp, spec, err)
			}
		}
		v, err := Parse(version)
		if err != nil {
			return
		}
		in := ss.Contains(v, nil)
		if in != again.Contains(v, nil) {
			t.Fatalf("%q and its String() %q disagree on %s", spec, s, v)
		}
		if ss.Contains(v, new(false)) && (!in || v.IsPrerelease()) {
			t.Fatalf("%q: prereleases=false admitted %s", spec, v)
		}
		if in != ss.Contains(v, new(true)) {
			t.Fatalf("%q: prereleases=nil and true disagree on %s", spec, v)
		}
		if got := ss.Filter([]Version{v}, new(true)); (len(got) == 1) != in {
			t.Fatalf("%q: Filter and Contains disagree on %s", spec, v)
		}
	})
}
