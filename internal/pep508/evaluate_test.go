package pep508

import (
	"errors"
	"testing"
)

func withExtra(e Environment, extra string) Environment {
	e.Extra = extra
	return e
}

func TestEvaluate(t *testing.T) {
	for _, c := range evalCases {
		m, err := ParseMarker(c.marker)
		if err != nil {
			t.Errorf("ParseMarker(%q): %v", c.marker, err)
			continue
		}
		for i, e := range evalEnvs {
			want := c.want[i]
			ok, err := m.Eval(e.env)
			got := byte('F')
			switch {
			case err != nil:
				got = 'E'
				if !errors.Is(err, ErrUndefined) {
					t.Errorf("%q on %s: error %v does not wrap ErrUndefined", c.marker, e.name, err)
				}
			case ok:
				got = 'T'
			}
			if got != want {
				t.Errorf("%q on %s: got %c (err %v), want %c", c.marker, e.name, got, err, want)
			}
			if m.Evaluate(e.env) != (want == 'T') {
				t.Errorf("%q on %s: Evaluate = %v, want %v", c.marker, e.name, !(want == 'T'), want == 'T')
			}
		}
	}
}

func TestLinuxCPython(t *testing.T) {
	got := LinuxCPython("3.12.0rc1", "aarch64")
	want := Environment{
		ImplementationName:           "cpython",
		ImplementationVersion:        "3.12.0rc1",
		OSName:                       "posix",
		PlatformMachine:              "aarch64",
		PlatformSystem:               "Linux",
		PythonFullVersion:            "3.12.0rc1",
		PlatformPythonImplementation: "CPython",
		PythonVersion:                "3.12",
		SysPlatform:                  "linux",
	}
	if got != want {
		t.Errorf("LinuxCPython = %+v, want %+v", got, want)
	}
	if v := LinuxCPython("3", "x86_64").PythonVersion; v != "3" {
		t.Errorf("LinuxCPython(%q).PythonVersion = %q, want %q", "3", v, "3")
	}
}
