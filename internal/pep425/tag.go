// Package pep425 parses wheel and sdist filenames and ranks wheel
// compatibility tags (PEP 425, 427, 491, 600, 656) for an explicitly described
// target machine, so a wheel can be chosen for a host we are not running on.
package pep425

import (
	"errors"
	"fmt"
	"strings"
)

// Tag is one interpreter-ABI-platform triple. Tags produced by this package
// are lower-case, as packaging.tags.Tag stores them.
type Tag struct{ Interpreter, ABI, Platform string }

// String returns the tag as written in a wheel filename,
// e.g. "cp311-cp311-manylinux_2_17_x86_64".
func (t Tag) String() string {
	return t.Interpreter + "-" + t.ABI + "-" + t.Platform
}

// MaxTags bounds how many tags one compressed tag set may expand to, counted
// before duplicates are dropped, like packaging's optional limit. Any wheel
// filename a file system can hold (255 bytes) stays below it; the bound keeps
// a hostile name such as "a.a.a...-b.b.b...-c.c.c..." from exhausting memory.
const MaxTags = 1 << 17

var (
	// ErrInvalidTag reports a tag that packaging would reject with InvalidTag.
	ErrInvalidTag = errors.New("invalid tag")
	// ErrTooManyTags reports a compressed tag set expanding to more than MaxTags.
	ErrTooManyTags = errors.New("too many tags")
)

// ParseTag expands a possibly compressed tag set such as "py2.py3-none-any"
// into its tags, lower-cased, in the order the components are written
// (interpreter-major), without duplicates. packaging returns a frozenset; the
// order here only makes results deterministic.
func ParseTag(s string) ([]Tag, error) {
	components := strings.Split(s, "-")
	parts := make([][]string, len(components))
	count := 1
	for i, c := range components {
		parts[i] = strings.Split(c, ".")
		for _, p := range parts[i] {
			if p == "" {
				return nil, fmt.Errorf("parse tag %q: empty component %q: %w", s, c, ErrInvalidTag)
			}
		}
		// Stop multiplying once past the bound so the count cannot overflow.
		if count <= MaxTags {
			count *= len(parts[i])
		}
	}
	if len(parts) != 3 {
		return nil, fmt.Errorf("parse tag %q: want 3 components, got %d: %w", s, len(parts), ErrInvalidTag)
	}
	if count > MaxTags {
		return nil, fmt.Errorf("parse tag %q: expands to more than %d tags: %w", s, MaxTags, ErrTooManyTags)
	}
	for _, interp := range parts[0] {
		if !isIdentifier(interp) {
			return nil, fmt.Errorf("parse tag %q: interpreter %q is not an identifier: %w", s, interp, ErrInvalidTag)
		}
	}
	lower := func(ps []string) []string {
		out := make([]string, len(ps))
		for i, p := range ps {
			out[i] = pyLower(p)
		}
		return out
	}
	interps, abis, plats := lower(parts[0]), lower(parts[1]), lower(parts[2])
	tags := make([]Tag, 0, count)
	seen := make(map[Tag]bool, count)
	for _, i := range interps {
		for _, a := range abis {
			for _, p := range plats {
				t := Tag{i, a, p}
				if !seen[t] {
					seen[t] = true
					tags = append(tags, t)
				}
			}
		}
	}
	return tags, nil
}
