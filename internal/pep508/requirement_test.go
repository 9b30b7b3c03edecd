package pep508

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

type requirementCase struct {
	in, want   string
	err        string
	start, end int
}

func TestParseRequirement(t *testing.T) {
	for _, c := range requirementCases {
		r, err := ParseRequirement(c.in)
		if c.err == "" {
			if err != nil {
				t.Errorf("ParseRequirement(%q): %v", c.in, err)
			} else if got := r.String(); got != c.want {
				t.Errorf("ParseRequirement(%q).String() = %q, want %q", c.in, got, c.want)
			}
			continue
		}
		if err == nil {
			t.Errorf("ParseRequirement(%q) = %q, want error %q", c.in, r.String(), c.err)
			continue
		}
		checkSyntaxError(t, c.in, err, c.err, c.start, c.end)
	}
}

// checkSyntaxError compares err with packaging's message and span (in code
// points); "InvalidSpecifier" and "ValueError" only require some error.
func checkSyntaxError(t *testing.T, in string, err error, msg string, start, end int) {
	t.Helper()
	if !strings.Contains(err.Error(), in) && !strings.Contains(err.Error(), strconv.Quote(in)) {
		t.Errorf("error for %q does not name the input: %v", in, err)
	}
	var se *SyntaxError
	isSyntax := errors.As(err, &se)
	switch msg {
	case "InvalidSpecifier":
		if isSyntax {
			t.Errorf("%q: got syntax error %v, want a specifier error", in, err)
		}
		return
	case "ValueError":
		return
	}
	if !isSyntax {
		t.Errorf("%q: got %v, want syntax error %q", in, err, msg)
		return
	}
	gotStart, gotEnd := utf8.RuneCountInString(in[:se.Start]), utf8.RuneCountInString(in[:se.End])
	if !strings.HasPrefix(se.Message, msg) || gotStart != start || gotEnd != end {
		t.Errorf("%q: got %q at %d-%d, want %q at %d-%d", in, se.Message, gotStart, gotEnd, msg, start, end)
	}
}

func FuzzParseRequirement(f *testing.F) {
	for _, c := range requirementCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r, err := ParseRequirement(in)
		if err != nil {
			return
		}
		if r.Marker != nil {
			r.Marker.Evaluate(LinuxCPython("3.11.2", "x86_64"))
		}
		unstable := r.Marker != nil && unstableMarkerText(r.Marker.String())
		checkReparse(t, r.String(), unstable, func(s string) (string, error) {
			r, err := ParseRequirement(s)
			if err != nil {
				return "", err
			}
			return r.String(), nil
		})
	})
}

// unstableMarkerText reports whether a printed marker holds a value that
// packaging's str() does not round-trip: values are printed between quotes
// unescaped, so a backslash re-reads as an escape and a newline or NUL does
// not re-read at all.
func unstableMarkerText(s string) bool {
	return strings.ContainsAny(s, "\\\n\r\x00")
}

// checkReparse checks that a printed value parses back to the same text;
// when unstable it only requires that re-parsing does not panic.
func checkReparse(t *testing.T, s string, unstable bool, parse func(string) (string, error)) {
	t.Helper()
	again, err := parse(s)
	if unstable {
		return
	}
	if err != nil {
		t.Fatalf("String() = %q does not re-parse: %v", s, err)
	}
	if again != s {
		t.Fatalf("String() = %q re-parses to %q", s, again)
	}
}
