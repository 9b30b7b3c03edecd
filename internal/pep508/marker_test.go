package pep508

import (
	"slices"
	"strings"
	"testing"
)

type markerCase struct {
	in, want   string
	err        string
	start, end int
}

func TestParseMarker(t *testing.T) {
	for _, c := range markerCases {
		m, err := ParseMarker(c.in)
		if c.err == "" {
			if err != nil {
				t.Errorf("ParseMarker(%q): %v", c.in, err)
			} else if got := m.String(); got != c.want {
				t.Errorf("ParseMarker(%q).String() = %q, want %q", c.in, got, c.want)
			}
			continue
		}
		if err == nil {
			t.Errorf("ParseMarker(%q) = %q, want error %q", c.in, m.String(), c.err)
			continue
		}
		checkSyntaxError(t, c.in, err, c.err, c.start, c.end)
	}
}

// TestParseMarkerDifferences covers the quoted strings packaging 26.3
// accepts but this package rejects: \N{name} escapes and lone surrogates.
func TestParseMarkerDifferences(t *testing.T) {
	for _, in := range []string{
		`os_name == '\N{EM DASH}'`,
		`os_name == '\ud800'`,
		`os_name == '\U0000dfff'`,
	} {
		if m, err := ParseMarker(in); err == nil {
			t.Errorf("ParseMarker(%q) = %q, want error", in, m.String())
		}
	}
}

func TestMarkerVariables(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{`python_version >= "3.8"`, []string{"python_version"}},
		{`"3.8" <= python_version and python_version < "4"`, []string{"python_version"}},
		{`os.name == "posix" or (sys.platform == "linux" and extra == "test")`, []string{"extra", "os_name", "sys_platform"}},
		{`python_implementation == "CPython" and platform_python_implementation != "PyPy"`, []string{"platform_python_implementation"}},
		{`"a" == "b"`, nil},
		{`"x" in extras and "y" in dependency_groups`, []string{"dependency_groups", "extras"}},
	}
	for _, c := range cases {
		m, err := ParseMarker(c.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Variables(); !slices.Equal(got, c.want) {
			t.Errorf("ParseMarker(%q).Variables() = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzParseMarker(f *testing.F) {
	for _, c := range markerCases {
		f.Add(c.in)
	}
	for _, c := range evalCases {
		f.Add(c.marker)
	}
	f.Fuzz(func(t *testing.T, in string) {
		m, err := ParseMarker(in)
		if err != nil {
			return
		}
		for _, e := range evalEnvs {
			m.Evaluate(e.env)
		}
		m.Variables()
		checkReparse(t, m.String(), unstableMarkerText(m.String()), func(s string) (string, error) {
			m, err := ParseMarker(s)
			if err != nil {
				return "", err
			}
			return m.String(), nil
		})
	})
}

func TestParseMarkerNesting(t *testing.T) {
	for _, c := range []struct {
		depth int
		ok    bool
	}{{1, true}, {400, true}, {1000, true}, {1001, false}, {100000, false}} {
		in := strings.Repeat("(", c.depth) + `os_name == "posix"` + strings.Repeat(")", c.depth)
		m, err := ParseMarker(in)
		if (err == nil) != c.ok {
			t.Errorf("depth %d: err = %v, want ok %v", c.depth, err, c.ok)
			continue
		}
		if err == nil && (m.String() != `os_name == "posix"` || !m.Evaluate(LinuxCPython("3.11.2", "x86_64"))) {
			t.Errorf("depth %d: got %q", c.depth, m.String())
		}
	}
}
