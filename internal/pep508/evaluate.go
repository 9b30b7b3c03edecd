package pep508

import (
	"errors"
	"fmt"
	"strings"

	"github.com/citadel-build/citadel/internal/pep440"
	"github.com/citadel-build/citadel/internal/pep503"
)

// Environment holds the marker variables of one target interpreter, named as
// in PEP 508 (ImplementationName is implementation_name, and so on).
type Environment struct {
	ImplementationName, ImplementationVersion, OSName, PlatformMachine, PlatformRelease, PlatformSystem,
	PlatformVersion, PythonFullVersion, PlatformPythonImplementation, PythonVersion, SysPlatform string
	// Extra is the one extra being evaluated ("" = none); it is normalised
	// (PEP 685) before comparison.
	Extra string
}

// LinuxCPython returns the environment of CPython pythonFullVersion (such as
// "3.11.2" or "3.13.0rc1") on Linux for the given machine (such as "x86_64"
// or "aarch64"): python_version is the first two dot-separated fields of the
// full version, implementation_version equals it, and platform_release and
// platform_version, which depend on the build host's kernel, are empty.
func LinuxCPython(pythonFullVersion, machine string) Environment {
	fields := strings.SplitN(pythonFullVersion, ".", 3)
	return Environment{
		ImplementationName:           "cpython",
		ImplementationVersion:        pythonFullVersion,
		OSName:                       "posix",
		PlatformMachine:              machine,
		PlatformSystem:               "Linux",
		PythonFullVersion:            pythonFullVersion,
		PlatformPythonImplementation: "CPython",
		PythonVersion:                strings.Join(fields[:min(2, len(fields))], "."),
		SysPlatform:                  "linux",
	}
}

// lookup returns the value of a marker variable in the "metadata" evaluation
// context packaging uses by default: "extras" and "dependency_groups" are
// not defined there.
func (e Environment) lookup(name string) (string, bool) {
	switch name {
	case "implementation_name":
		return e.ImplementationName, true
	case "implementation_version":
		return e.ImplementationVersion, true
	case "os_name":
		return e.OSName, true
	case "platform_machine":
		return e.PlatformMachine, true
	case "platform_release":
		return e.PlatformRelease, true
	case "platform_system":
		return e.PlatformSystem, true
	case "platform_version":
		return e.PlatformVersion, true
	case "python_full_version":
		// An untagged CPython build reports e.g. "3.12.1+", which is not
		// PEP 440; packaging repairs it to a local version.
		if strings.HasSuffix(e.PythonFullVersion, "+") {
			return e.PythonFullVersion + "local", true
		}
		return e.PythonFullVersion, true
	case "platform_python_implementation":
		return e.PlatformPythonImplementation, true
	case "python_version":
		return e.PythonVersion, true
	case "sys_platform":
		return e.SysPlatform, true
	case "extra":
		return pep503.Normalize(e.Extra), true
	}
	return "", false
}

// Evaluate reports whether the marker holds in env. A marker that packaging
// would refuse to evaluate (see Eval) is false.
func (m *Marker) Evaluate(env Environment) bool {
	ok, err := m.Eval(env)
	return ok && err == nil
}

// ErrUndefined is wrapped by Eval's errors: the marker names a variable the
// environment lacks ("extras", "dependency_groups") or applies an operator
// that is undefined for its operands (such as "~=" on non-versions).
var ErrUndefined = errors.New("undefined marker comparison")

// Eval evaluates the marker in env with packaging's semantics: "and" binds
// tighter than "or"; for python_version, python_full_version,
// implementation_version and platform_release an operator that forms a valid
// PEP 440 specifier with the right-hand value is a version comparison
// (pre-releases included, a non-version left side never matches); otherwise
// values compare as strings, where "<" and ">" are always false and "<=" and
// ">=" mean equality. Every comparison is evaluated, so an undefined one is
// reported even where the result would not depend on it, as in packaging.
func (m *Marker) Eval(env Environment) (bool, error) {
	return m.root.eval(env)
}

func (l *markerList) eval(env Environment) (bool, error) {
	anyGroup, group := false, true
	for i, a := range l.atoms {
		var v bool
		var err error
		if a.cmp != nil {
			v, err = a.cmp.eval(env)
		} else {
			v, err = a.group.eval(env)
		}
		if err != nil {
			return false, err
		}
		group = group && v
		if i == len(l.ops) || l.ops[i] == "or" {
			anyGroup = anyGroup || group
			group = true
		}
	}
	return anyGroup, nil
}

// isVersionVariable reports whether packaging compares the variable as a
// PEP 440 version when the operands allow it.
func isVersionVariable(name string) bool {
	switch name {
	case "python_version", "python_full_version", "implementation_version", "platform_release":
		return true
	}
	return false
}

func (c *comparison) eval(env Environment) (bool, error) {
	// packaging takes the variable from the left operand when it is one and
	// otherwise treats the right operand's text as the variable's name, even
	// when it was written as a quoted string.
	lhs, rhs := c.lhs.text, c.rhs.text
	key, slot := rhs, &rhs
	if c.lhs.isVar {
		key, slot = lhs, &lhs
	}
	v, ok := env.lookup(key)
	if !ok {
		return false, fmt.Errorf("%w: no marker variable %q in the environment", ErrUndefined, key)
	}
	*slot = v
	if isVersionVariable(key) {
		if ok, matched := versionCompare(lhs, c.op, rhs); ok {
			return matched, nil
		}
	}
	switch c.op {
	case "in":
		return strings.Contains(rhs, lhs), nil
	case "not in":
		return !strings.Contains(rhs, lhs), nil
	case "==", "<=", ">=":
		return lhs == rhs, nil
	case "!=":
		return lhs != rhs, nil
	case "<", ">":
		return false, nil
	}
	return false, fmt.Errorf("%w: %q %s %q", ErrUndefined, lhs, c.op, rhs)
}

// versionCompare applies op+rhs as a PEP 440 specifier to lhs. ok is false
// when op+rhs is not a valid specifier. The text is joined before parsing,
// as packaging does, so `< "=3.8"` is "<=3.8" and `== "="` is "===".
func versionCompare(lhs, op, rhs string) (ok, matched bool) {
	spec, err := pep440.ParseSpecifier(op + rhs)
	if err != nil {
		return false, false
	}
	if spec.Operator == "===" {
		// Arbitrary equality compares raw strings, so lhs need not be a
		// version.
		return true, pyLower(lhs) == pyLower(spec.Version)
	}
	v, err := pep440.Parse(lhs)
	if err != nil {
		return true, false
	}
	pre := true
	return true, spec.Contains(v, &pre)
}

// pyLower lowercases like Python's str.lower, whose full case mapping turns
// U+0130 into "i\u0307" where Go's simple mapping gives "i".
func pyLower(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, "\u0130", "i\u0307"))
}
