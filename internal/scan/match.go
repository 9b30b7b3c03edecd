// Package scan is the vulnerability gate (stage 7): it matches an SBOM's packages against an
// OSV database (PyPI by PEP 440, Debian by source package and dpkg order), merges advisories
// that are aliases of each other, applies a release's policy (severity threshold, unfixed,
// waivers with expiry) and reports as a table, JSON, SARIF or OpenVEX.
package scan

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/citadel-build/citadel/internal/dpkg"
	"github.com/citadel-build/citadel/internal/osv"
	"github.com/citadel-build/citadel/internal/pep440"
	"github.com/citadel-build/citadel/internal/pep503"
	"github.com/citadel-build/citadel/internal/sbom"
)

// Finding is one vulnerability (its advisories merged by alias) of one installed package.
type Finding struct {
	ID         string   `json:"id"`         // the name shown: its CVE id if it has one
	IDs        []string `json:"ids"`        // every id and alias of the merged advisories
	Advisories []string `json:"advisories"` // the database entries merged
	Summary    string   `json:"summary,omitempty"`
	URL        string   `json:"url,omitempty"` // the first advisory's page
	Type       string   `json:"type"`          // pypi or deb
	Package    string   `json:"package"`
	Installed  string   `json:"installed"`
	Purl       string   `json:"purl"`
	Ref        string   `json:"ref,omitempty"` // the package's reference in the SBOM
	// Source and SourceVersion are the Debian source package matched, for deb packages.
	Source        string `json:"source,omitempty"`
	SourceVersion string `json:"source_version,omitempty"`
	FixedIn       string `json:"fixed_in,omitempty"`
	Unfixed       bool   `json:"unfixed"`
	Severity      Rating `json:"severity"`
	// Undecided says why an advisory's range could not be evaluated; the finding is reported
	// as affecting the package all the same.
	Undecided string  `json:"undecided,omitempty"`
	Status    Status  `json:"status"`
	Waiver    *Waiver `json:"waiver,omitempty"`
}

// target is what a package is matched as: an ecosystem name, version and comparer.
type target struct {
	ecosystem, release, name, version string
	cmp                               osv.Comparer
}

func targetOf(p sbom.Package, os *sbom.OS) (target, bool, error) {
	switch p.Type {
	case sbom.TypePyPI:
		return target{ecosystem: "PyPI", name: pep503.Normalize(p.Name), version: p.Version, cmp: pep440.CompareStrings}, true, nil
	case sbom.TypeDeb:
		release := p.Release
		if release == "" && os != nil && os.ID == "debian" {
			release, _, _ = strings.Cut(os.VersionID, ".")
		}
		if release == "" {
			return target{}, false, fmt.Errorf("deb package %s %s: no Debian release (its purl has no distro= and the SBOM names no Debian operating system)", p.Name, p.Version)
		}
		src, ver := cmp.Or(p.Source, p.Name), cmp.Or(p.SourceVersion, p.Version)
		return target{ecosystem: "Debian", release: release, name: src, version: ver, cmp: dpkg.Compare}, true, nil
	}
	return target{}, false, nil
}

// applies reports whether the affected entry is about the target's package and release.
func (t target) applies(a *osv.Affected) bool {
	base, release := osv.Ecosystem(a.Package.Ecosystem)
	if base != t.ecosystem || (release != "" && t.release != "" && release != t.release) {
		return false
	}
	if t.ecosystem == "PyPI" {
		return pep503.Normalize(a.Package.Name) == t.name
	}
	return a.Package.Name == t.name
}

type hit struct {
	v      *osv.Vulnerability
	h      osv.Hit
	rating Rating
}

// Match finds the vulnerabilities of every package of doc in db.
func Match(db *osv.DB, doc *sbom.Document) ([]Finding, error) {
	var out []Finding
	var errs []error
	for _, p := range doc.Packages {
		t, ok, err := targetOf(p, doc.OS)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !ok {
			continue
		}
		if _, err := t.cmp(t.version, t.version); err != nil {
			errs = append(errs, fmt.Errorf("%s package %s: installed version: %w", p.Type, p.Name, err))
			continue
		}
		var hits []hit
		for _, v := range db.Candidates(t.ecosystem+":"+t.release, t.name) {
			var best *hit
			for i := range v.Affected {
				a := &v.Affected[i]
				if !t.applies(a) {
					continue
				}
				h, ok := a.Covers(t.version, t.cmp)
				if !ok {
					continue
				}
				if r := rate(v, a); best == nil || r.Level > best.rating.Level || (best.h.Fixed == "" && h.Fixed != "") {
					best = &hit{v: v, h: h, rating: r}
				}
			}
			if best != nil {
				hits = append(hits, *best)
			}
		}
		for _, g := range groupByAlias(hits) {
			out = append(out, finding(p, t, g))
		}
	}
	slices.SortFunc(out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Package, b.Package), cmp.Compare(a.Installed, b.Installed), cmp.Compare(a.ID, b.ID))
	})
	return out, errors.Join(errs...)
}

// groupByAlias merges hits whose entries share an id or alias (GHSA-…, PYSEC-… and CVE-… of
// one flaw), in order of their first entry's id.
func groupByAlias(hits []hit) [][]hit {
	slices.SortFunc(hits, func(a, b hit) int { return cmp.Compare(a.v.ID, b.v.ID) })
	parent := make([]int, len(hits))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		if parent[i] != i {
			parent[i] = find(parent[i])
		}
		return parent[i]
	}
	owner := map[string]int{}
	for i, h := range hits {
		for _, id := range h.v.IDs() {
			if j, ok := owner[id]; ok {
				if a, b := find(i), find(j); a != b {
					parent[max(a, b)] = min(a, b)
				}
			} else {
				owner[id] = i
			}
		}
	}
	groups := map[int][]hit{}
	var order []int
	for i, h := range hits {
		r := find(i)
		if _, ok := groups[r]; !ok {
			order = append(order, r)
		}
		groups[r] = append(groups[r], h)
	}
	out := make([][]hit, 0, len(order))
	for _, r := range order {
		out = append(out, groups[r])
	}
	return out
}

func finding(p sbom.Package, t target, g []hit) Finding {
	f := Finding{Type: p.Type, Package: p.Name, Installed: p.Version, Purl: p.Purl, Ref: p.Ref, Unfixed: true}
	if p.Type == sbom.TypeDeb {
		f.Source, f.SourceVersion = t.name, t.version
	}
	ids := map[string]bool{}
	var undecided []string
	for _, h := range g {
		f.Advisories = append(f.Advisories, h.v.ID)
		for _, id := range h.v.IDs() {
			ids[id] = true
		}
		if f.Summary == "" {
			f.Summary = h.v.Summary
		}
		if f.URL == "" {
			f.URL = advisoryURL(h.v)
		}
		if f.Severity.Source == "" || h.rating.Level > f.Severity.Level || (h.rating.Level == f.Severity.Level && h.rating.Score > f.Severity.Score) {
			f.Severity = h.rating
		}
		if h.h.Undecided != nil {
			undecided = append(undecided, h.v.ID+": "+h.h.Undecided.Error())
			f.Unfixed = false
			continue
		}
		if !h.h.Unfixed() {
			f.Unfixed = false
		}
		// The fix is the highest any advisory gives: below it, one of them still applies.
		if fixed := cmp.Or(h.h.Fixed, h.h.LastAffected); fixed != "" {
			if c, err := t.cmp(fixed, f.FixedIn); f.FixedIn == "" || (err == nil && c > 0) {
				f.FixedIn = fixed
			}
		}
	}
	if f.Summary == "" && len(g) > 0 {
		f.Summary = firstLine(g[0].v.Details)
	}
	f.IDs = slices.Sorted(maps.Keys(ids))
	f.ID = preferredID(f.IDs)
	f.Undecided = strings.Join(undecided, "; ")
	return f
}

// preferredID is the id a finding is shown by: the CVE when there is exactly one, else the
// first GHSA, else the first id.
func preferredID(ids []string) string {
	var cves, ghsas []string
	for _, id := range ids {
		switch {
		case strings.HasPrefix(id, "CVE-"):
			cves = append(cves, id)
		case strings.HasPrefix(id, "GHSA-"):
			ghsas = append(ghsas, id)
		}
	}
	switch {
	case len(cves) == 1:
		return cves[0]
	case len(ghsas) > 0:
		return ghsas[0]
	case len(cves) > 0:
		return cves[0]
	}
	return ids[0]
}

// advisoryURL is the entry's ADVISORY reference, else its first reference.
func advisoryURL(v *osv.Vulnerability) string {
	for _, r := range v.References {
		if r.Type == "ADVISORY" {
			return r.URL
		}
	}
	if len(v.References) > 0 {
		return v.References[0].URL
	}
	return ""
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	return s
}
