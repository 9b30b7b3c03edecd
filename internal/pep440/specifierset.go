package pep440

import (
	"fmt"
	"slices"
	"strings"
)

// SpecifierSet is a conjunction of clauses, e.g. ">=1.0,!=1.3.*,<2". The zero
// value is the empty set, which every version satisfies.
type SpecifierSet struct {
	clauses []clause
}

// ParseSpecifierSet parses a comma-separated list of clauses. Empty items
// (and so the empty string) are skipped, as packaging does.
func ParseSpecifierSet(s string) (SpecifierSet, error) {
	var set SpecifierSet
	for item := range strings.SplitSeq(s, ",") {
		if trimPySpace(item) == "" {
			continue
		}
		c, err := parseClause(item)
		if err != nil {
			return SpecifierSet{}, fmt.Errorf("parse specifier set %q: clause %q: %w", s, item, err)
		}
		set.clauses = append(set.clauses, c)
	}
	return set, nil
}

// String returns the clauses sorted by their text with equal clauses (such
// as ">=1.0" and ">=1.0.0") reduced to the first, joined by commas, as
// str(SpecifierSet(...)) does.
func (s SpecifierSet) String() string {
	sorted := slices.Clone(s.clauses)
	slices.SortStableFunc(sorted, func(a, b clause) int {
		return strings.Compare(a.spec.String(), b.spec.String())
	})
	seen := make(map[[2]string]bool, len(sorted))
	parts := make([]string, 0, len(sorted))
	for _, c := range sorted {
		key := c.canonicalKey()
		if seen[key] {
			continue
		}
		seen[key] = true
		parts = append(parts, c.spec.String())
	}
	return strings.Join(parts, ",")
}

// Specifiers returns the clauses in the order they were written (as iterating
// a freshly built packaging SpecifierSet does), duplicates included.
func (s SpecifierSet) Specifiers() []Specifier {
	out := make([]Specifier, len(s.clauses))
	for i, c := range s.clauses {
		out[i] = c.spec
	}
	return out
}

// Contains reports whether v satisfies every clause. As in packaging 26.3,
// a nil prereleases admits a pre-release (a single candidate has no
// alternatives); only an explicit false rejects it.
func (s SpecifierSet) Contains(v Version, prereleases *bool) bool {
	return prereleaseAllowed(v, prereleases) && s.match(v)
}

func (s SpecifierSet) match(v Version) bool {
	for _, c := range s.clauses {
		if !c.match(v) {
			return false
		}
	}
	return true
}

// Filter returns, in input order, the versions that satisfy every clause.
// With prereleases nil and no clause naming a pre-release, pre-releases are
// dropped unless no final release matches, in which case only the matching
// pre-releases are returned (PEP 440's recommendation, as packaging's
// filter() implements it).
func (s SpecifierSet) Filter(vs []Version, prereleases *bool) []Version {
	if prereleases == nil && s.Prereleases() {
		t := true
		prereleases = &t
	}
	matched := make([]Version, 0, len(vs))
	finals := 0
	for _, v := range vs {
		if !s.match(v) || !prereleaseAllowed(v, prereleases) {
			continue
		}
		matched = append(matched, v)
		if !v.IsPrerelease() {
			finals++
		}
	}
	if prereleases != nil || finals == 0 || finals == len(matched) {
		return matched
	}
	return slices.DeleteFunc(matched, Version.IsPrerelease)
}

// Prereleases reports packaging's SpecifierSet.prereleases default: true when
// some clause names a pre-release (e.g. ">=2.0rc1"), which makes Filter keep
// pre-releases.
func (s SpecifierSet) Prereleases() bool {
	return slices.ContainsFunc(s.clauses, clause.prereleases)
}

// Intersect returns the set of clauses of both s and o (packaging's &).
func (s SpecifierSet) Intersect(o SpecifierSet) SpecifierSet {
	return SpecifierSet{clauses: slices.Concat(s.clauses, o.clauses)}
}
