package lock

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/citadel-build/citadel/internal/pep425"
	"github.com/citadel-build/citadel/internal/pep440"
	"github.com/citadel-build/citadel/internal/pep508"
)

// Target is the machine an image runs on: a CPython version and a wheel platform tag. It is
// data, never read from the machine citadel runs on.
type Target struct {
	PythonVersion string `json:"python_version"` // "3.11.2"
	Platform      string `json:"platform"`       // "manylinux_2_36_x86_64"
}

var (
	pythonFull    = regexp.MustCompile(`^3\.([0-9]+)\.[0-9]+$`)
	platformParts = regexp.MustCompile(`^(manylinux|musllinux)_([0-9]+)_([0-9]+)_([a-z0-9_]+)$`)
)

// target is a Target prepared for resolving.
type target struct {
	Target
	env     pep508.Environment
	python  pep440.Version
	ranking pep425.Ranking
}

func prepare(t Target) (*target, error) {
	m := pythonFull.FindStringSubmatch(t.PythonVersion)
	if m == nil {
		return nil, fmt.Errorf("target python_version %q: want 3.X.Y", t.PythonVersion)
	}
	p := platformParts.FindStringSubmatch(t.Platform)
	if p == nil {
		return nil, fmt.Errorf("target platform %q: want manylinux_X_Y_ARCH or musllinux_X_Y_ARCH", t.Platform)
	}
	minor, _ := strconv.Atoi(m[1])
	major, _ := strconv.Atoi(p[2])
	libcMinor, _ := strconv.Atoi(p[3])
	tt := pep425.Target{PythonVersion: [2]int{3, minor}, Implementation: "cp", OS: "linux", Arch: p[4], Libc: "glibc", LibcVersion: [2]int{major, libcMinor}}
	if p[1] == "musllinux" {
		tt.Libc = "musl"
	}
	if err := tt.Validate(); err != nil {
		return nil, fmt.Errorf("target %s: %w", t.Platform, err)
	}
	py, err := pep440.Parse(t.PythonVersion)
	if err != nil {
		return nil, err
	}
	return &target{Target: t, env: pep508.LinuxCPython(t.PythonVersion, p[4]), python: py, ranking: tt.Ranking()}, nil
}

// allowsPython reports whether a Requires-Python specifier admits the target interpreter.
func (t *target) allowsPython(spec string) (bool, error) {
	if spec == "" {
		return true, nil
	}
	s, err := pep440.ParseSpecifierSet(spec)
	if err != nil {
		return false, fmt.Errorf("requires-python %q: %w", spec, err)
	}
	yes := true
	return s.Contains(t.python, &yes), nil
}

// Fits reports whether a wheel of that file name installs on the target (PEP 425 tags).
func (t Target) Fits(filename string) (bool, error) {
	pt, err := prepare(t)
	if err != nil {
		return false, err
	}
	w, err := pep425.ParseWheelFilename(filename)
	if err != nil {
		return false, err
	}
	_, ok := pt.ranking.WheelPriority(w)
	return ok, nil
}
