package osv

import (
	"fmt"
	"slices"
)

// Comparer orders two versions of one ecosystem (PEP 440 for PyPI, dpkg's order for Debian).
type Comparer func(a, b string) (int, error)

// Hit says how an affected entry covers an installed version.
type Hit struct {
	// Fixed is the lowest version above the installed one that the matching range says is not
	// affected: its fixed event, or "" when the range has none (unfixed). LastAffected is set
	// instead when the range ends with last_affected.
	Fixed, LastAffected string
	// Listed is true when the version is named in the entry's versions list.
	Listed bool
	// Undecided holds the error of a range whose events could not be compared with the version;
	// such a range counts as affecting it, so a broken entry cannot hide a vulnerability.
	Undecided error
}

// Unfixed reports whether no version is known to fix what affects the installed one.
func (h Hit) Unfixed() bool { return h.Fixed == "" && h.LastAffected == "" }

// Covers reports whether a affects version, comparing versions with cmp, and how. Ranges of type
// GIT (commits) are not about release versions and are skipped.
func (a *Affected) Covers(version string, cmp Comparer) (Hit, bool) {
	var hit Hit
	covered := false
	for _, r := range a.Ranges {
		if r.Type == "GIT" {
			continue
		}
		h, ok, err := r.covers(version, cmp)
		if err != nil {
			if !covered {
				hit = Hit{Undecided: fmt.Errorf("%s range %v: %w", r.Type, r.Events, err)}
			}
			covered = true
			continue
		}
		if ok && (!covered || hit.Undecided != nil || lower(h, hit, cmp)) {
			hit, covered = h, true
		}
	}
	for _, v := range a.Versions {
		if c, err := cmp(version, v); err == nil && c == 0 {
			if !covered {
				hit, covered = Hit{}, true
			}
			hit.Listed = true
			break
		}
	}
	return hit, covered
}

// lower reports whether h's fix is a better (lower, but known) one than other's.
func lower(h, other Hit, cmp Comparer) bool {
	if h.Fixed == "" {
		return false
	}
	if other.Fixed == "" {
		return true
	}
	c, err := cmp(h.Fixed, other.Fixed)
	return err == nil && c < 0
}

// covers evaluates one range as the OSV schema specifies: events sorted by version, "0" first;
// each introduced at or below the version makes it affected, each fixed at or below it, and
// each last_affected or limit below it, unaffected again.
func (r Range) covers(version string, cmp Comparer) (Hit, bool, error) {
	type ev struct {
		kind, v string
	}
	var evs []ev
	for _, e := range r.Events {
		switch {
		case e.Introduced != "":
			evs = append(evs, ev{"introduced", e.Introduced})
		case e.Fixed != "":
			evs = append(evs, ev{"fixed", e.Fixed})
		case e.LastAffected != "":
			evs = append(evs, ev{"last_affected", e.LastAffected})
		case e.Limit != "":
			evs = append(evs, ev{"limit", e.Limit})
		}
	}
	var sortErr error
	slices.SortStableFunc(evs, func(x, y ev) int {
		switch {
		case x.v == "0" && y.v == "0":
			return 0
		case x.v == "0":
			return -1
		case y.v == "0":
			return 1
		}
		c, err := cmp(x.v, y.v)
		if err != nil && sortErr == nil {
			sortErr = err
		}
		return c
	})
	if sortErr != nil {
		return Hit{}, false, sortErr
	}
	affected, from := false, -1
	for i, e := range evs {
		if e.kind == "introduced" && e.v == "0" {
			affected, from = true, i
			continue
		}
		c, err := cmp(version, e.v)
		if err != nil {
			return Hit{}, false, err
		}
		switch e.kind {
		case "introduced":
			if c >= 0 {
				affected, from = true, i
			}
		case "fixed", "limit":
			if c >= 0 {
				affected = false
			}
		case "last_affected":
			if c > 0 {
				affected = false
			}
		}
	}
	if !affected {
		return Hit{}, false, nil
	}
	var h Hit
	for _, e := range evs[from+1:] {
		if e.kind == "fixed" {
			h.Fixed = e.v
			break
		}
		if e.kind == "last_affected" {
			h.LastAffected = e.v
			break
		}
	}
	return h, true, nil
}
