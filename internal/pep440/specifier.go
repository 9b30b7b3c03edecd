package pep440

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidSpecifier is wrapped by every error ParseSpecifier and
// ParseSpecifierSet return.
var ErrInvalidSpecifier = errors.New("invalid specifier")

// Specifier is one version-specifier clause, e.g. {">=", "1.0"}. Version is
// kept as written (after trimming whitespace), so it may carry a 'v' prefix,
// non-normalised spellings or a trailing ".*" for == and !=.
type Specifier struct {
	Operator string
	Version  string
}

// ParseSpecifier parses a single clause such as ">= 1.0" or "==2.*", accepting
// exactly what packaging.specifiers.Specifier accepts.
func ParseSpecifier(s string) (Specifier, error) {
	c, err := parseClause(s)
	if err != nil {
		return Specifier{}, fmt.Errorf("parse specifier %q: %w", s, err)
	}
	return c.spec, nil
}

// String returns the clause as written, operator then version.
func (s Specifier) String() string { return s.Operator + s.Version }

// Contains reports whether v satisfies the clause. A nil prereleases follows
// packaging 26.3: a single version is never rejected for being a pre-release
// (PEP 440 admits pre-releases when nothing else matches, and a lone
// candidate has no alternatives); only an explicit false excludes them.
// A Specifier that ParseSpecifier would reject contains nothing.
func (s Specifier) Contains(v Version, prereleases *bool) bool {
	c, err := newClause(s.Operator, s.Version)
	if err != nil {
		return false
	}
	return prereleaseAllowed(v, prereleases) && c.match(v)
}

// Prereleases reports whether the clause itself names a pre-release, which
// makes packaging admit pre-releases by default (e.g. ">=1.0b1"). != and
// wildcard clauses never do.
func (s Specifier) Prereleases() bool {
	c, err := newClause(s.Operator, s.Version)
	return err == nil && c.prereleases()
}

func prereleaseAllowed(v Version, prereleases *bool) bool {
	return prereleases == nil || *prereleases || !v.IsPrerelease()
}

// clause is a validated Specifier with its version parsed once.
type clause struct {
	spec     Specifier
	ver      Version // the version; for a wildcard, its prefix
	wildcard bool    // == or != with a trailing .*
	hasLocal bool    // the written version has a +local segment
}

func parseClause(s string) (clause, error) {
	t := trimPySpace(s)
	var op string
	switch {
	case strings.HasPrefix(t, "==="):
		op = "==="
	case len(t) >= 2 && isTwoCharOp(t[:2]):
		op = t[:2]
	case strings.HasPrefix(t, "<"), strings.HasPrefix(t, ">"):
		op = t[:1]
	default:
		return clause{}, fmt.Errorf("%w: no valid operator", ErrInvalidSpecifier)
	}
	return newClause(op, trimPySpace(t[len(op):]))
}

func isTwoCharOp(op string) bool {
	switch op {
	case "~=", "==", "!=", "<=", ">=":
		return true
	}
	return false
}

// newClause validates ver for op with the same rules as packaging's specifier
// pattern: === takes any string without whitespace, ';' or ')'; == and !=
// take a full version or a release prefix ending in .*; ~= needs two release
// components; only == and != allow a local segment.
func newClause(op, ver string) (clause, error) {
	c := clause{spec: Specifier{Operator: op, Version: ver}}
	switch op {
	case "===":
		if strings.ContainsFunc(ver, func(r rune) bool { return isPySpace(r) || r == ';' || r == ')' }) {
			return clause{}, fmt.Errorf("%w: arbitrary version %q contains whitespace, ';' or ')'", ErrInvalidSpecifier, ver)
		}
		return c, nil
	case "==", "!=":
		if prefix, ok := strings.CutSuffix(ver, ".*"); ok {
			v, err := parseTrimmed(prefix)
			if err != nil {
				return clause{}, fmt.Errorf("%w: %w", ErrInvalidSpecifier, err)
			}
			if v.preKind != preNone || v.hasPost || v.hasDev || v.local != nil {
				return clause{}, fmt.Errorf("%w: %q is not a release prefix", ErrInvalidSpecifier, prefix)
			}
			c.ver, c.wildcard = v, true
			return c, nil
		}
	case "~=", "<=", ">=", "<", ">":
	default:
		return clause{}, fmt.Errorf("%w: unknown operator %q", ErrInvalidSpecifier, op)
	}
	v, err := parseTrimmed(ver)
	if err != nil {
		return clause{}, fmt.Errorf("%w: %w", ErrInvalidSpecifier, err)
	}
	if v.local != nil && op != "==" && op != "!=" {
		return clause{}, fmt.Errorf("%w: %s does not allow a local version", ErrInvalidSpecifier, op)
	}
	if op == "~=" && len(v.release) < 2 {
		return clause{}, fmt.Errorf("%w: ~= needs at least two release components", ErrInvalidSpecifier)
	}
	c.ver, c.hasLocal = v, strings.Contains(ver, "+")
	return c, nil
}

// prereleases is packaging's Specifier.prereleases default.
func (c clause) prereleases() bool {
	switch {
	case c.spec.Operator == "!=", c.wildcard:
		return false
	case c.spec.Operator == "===":
		v, err := parseTrimmed(c.spec.Version)
		return err == nil && v.IsPrerelease()
	}
	return c.ver.IsPrerelease()
}

// canonicalKey identifies clauses that packaging treats as equal (and so
// deduplicates in SpecifierSet.__str__): 1.0 and 1.0.0 are the same version
// except under ~=, where the number of components matters.
func (c clause) canonicalKey() [2]string {
	op := c.spec.Operator
	if op == "===" || c.wildcard {
		return [2]string{op, c.spec.Version}
	}
	return [2]string{op, c.ver.canonical(op != "~=")}
}

// match evaluates the clause without any pre-release policy.
func (c clause) match(v Version) bool {
	sv := c.ver
	switch c.spec.Operator {
	case "===":
		return pyLowerEquals(c.spec.Version, v.String())
	case "==":
		return c.equal(v)
	case "!=":
		return !c.equal(v)
	case ">=":
		return v.Compare(sv) >= 0
	case "<=":
		// A local label on v is ignored: <=1.0 admits 1.0+anything.
		return v.comparePublic(sv) <= 0
	case "<":
		// <V excludes V's own pre-releases unless V is one (PEP 440), so
		// the bound is V.dev0.
		if !sv.IsPrerelease() {
			sv.hasDev, sv.devNum = true, 0
		}
		return v.Compare(sv) < 0
	case ">":
		// >V excludes V+local always, and V's post-releases unless V is
		// itself a post or dev release (PEP 440).
		if v.comparePublic(sv) <= 0 {
			return false
		}
		return sv.hasDev || sv.hasPost || !sameRelease(v, sv) || v.preKind != sv.preKind || v.preNum != sv.preNum
	case "~=":
		// ~=X.Y.Z means >=X.Y.Z, ==X.Y.*.
		return v.Compare(sv) >= 0 && v.epoch == sv.epoch && prefixEqual(v.release, sv.release[:len(sv.release)-1])
	}
	return false
}

// equal is the == test: a release-prefix match for wildcards, exact when the
// clause names a local label, and otherwise ignoring v's local label.
func (c clause) equal(v Version) bool {
	switch {
	case c.wildcard:
		return v.epoch == c.ver.epoch && prefixEqual(v.release, c.ver.release)
	case c.hasLocal:
		return v.Compare(c.ver) == 0
	}
	return v.comparePublic(c.ver) == 0
}

func sameRelease(a, b Version) bool {
	return a.epoch == b.epoch && compareRelease(a.release, b.release) == 0
}

// prefixEqual reports whether the first len(prefix) components of release,
// padded with zeros, equal prefix.
func prefixEqual(release, prefix []int) bool {
	for i, p := range prefix {
		n := 0
		if i < len(release) {
			n = release[i]
		}
		if n != p {
			return false
		}
	}
	return true
}

// pyLowerEquals reports whether Python's s.lower() equals the ASCII string
// target (=== compares lower-cased strings). The only non-ASCII character
// whose lower case is ASCII is U+212A KELVIN SIGN.
func pyLowerEquals(s, target string) bool {
	i := 0
	for _, r := range s {
		switch {
		case r == '\u212a':
			r = 'k'
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		case r >= 0x80:
			return false
		}
		if i >= len(target) || target[i] != byte(r) {
			return false
		}
		i++
	}
	return i == len(target)
}
