// Package audit checks a release's upstream constraint pins against a vulnerability database and
// proposes the overrides that fix them, in the release's override format.
package audit

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/citadel-build/citadel/internal/constraints"
	"github.com/citadel-build/citadel/internal/osv"
	"github.com/citadel-build/citadel/internal/pep440"
	"github.com/citadel-build/citadel/internal/pep503"
	"github.com/citadel-build/citadel/internal/sbom"
	"github.com/citadel-build/citadel/internal/scan"
)

// Proposal is what one vulnerable pin needs.
type Proposal struct {
	Package string `json:"package"` // as upstream spells it
	Pin     string `json:"pin"`     // the upstream pin
	Marker  string `json:"marker,omitempty"`
	Line    int    `json:"line"`
	// Version is the lowest version that fixes every advisory: the highest of their fixes.
	Version    string     `json:"version,omitempty"`
	Advisories []Advisory `json:"advisories"`
	// Unfixed lists advisories no version fixes; such a pin cannot be fixed by an override.
	Unfixed []string `json:"unfixed,omitempty"`
	// Override is the version the release's override pins now, if it has one; Covered says it
	// already fixes every advisory.
	Override string `json:"override,omitempty"`
	Covered  bool   `json:"covered"`
}

// Advisory is one vulnerability of a pin, its advisories merged by alias.
type Advisory struct {
	ID       string   `json:"id"`
	IDs      []string `json:"ids"`
	FixedIn  string   `json:"fixed_in,omitempty"`
	Severity string   `json:"severity"`
	Summary  string   `json:"summary,omitempty"`
}

// Audit matches every pin of upstream against db (after the database's PyPI positive control)
// and returns a proposal for each vulnerable pin, saying whether the release's overrides
// already cover it.
func Audit(db *osv.DB, upstream *constraints.File, overrides []constraints.Override) ([]Proposal, error) {
	doc := &sbom.Document{}
	entries := map[string]constraints.Entry{}
	for _, e := range upstream.Entries {
		if e.Pin == "" {
			continue
		}
		ref := strconv.Itoa(e.Line)
		entries[ref] = e
		doc.Packages = append(doc.Packages, sbom.Package{Ref: ref, Type: sbom.TypePyPI, Name: e.Key, Version: e.Pin, Purl: sbom.PyPIPurl(e.Key, e.Pin)})
	}
	if err := scan.CheckControls(db, doc); err != nil {
		return nil, err
	}
	findings, err := scan.Match(db, doc)
	if err != nil {
		return nil, fmt.Errorf("audit %s: %w", upstream.Name, err)
	}
	byLine := map[string]*Proposal{}
	var order []string
	for _, f := range findings {
		e := entries[f.Ref]
		p, ok := byLine[f.Ref]
		if !ok {
			p = &Proposal{Package: e.Name, Pin: e.Pin, Marker: e.Marker, Line: e.Line}
			byLine[f.Ref] = p
			order = append(order, f.Ref)
		}
		p.Advisories = append(p.Advisories, Advisory{ID: f.ID, IDs: f.IDs, FixedIn: f.FixedIn, Severity: f.Severity.Level.String(), Summary: f.Summary})
		if f.FixedIn == "" {
			p.Unfixed = append(p.Unfixed, f.ID)
		} else if p.Version == "" || compare(f.FixedIn, p.Version) > 0 {
			p.Version = f.FixedIn
		}
	}
	out := make([]Proposal, 0, len(order))
	for _, ref := range order {
		p := byLine[ref]
		if o, ok := overrideOf(overrides, entries[ref]); ok {
			p.Override = o
			p.Covered = len(p.Unfixed) == 0 && compare(o, p.Version) >= 0
		}
		out = append(out, *p)
	}
	slices.SortFunc(out, func(a, b Proposal) int { return cmp.Compare(a.Line, b.Line) })
	return out, nil
}

// overrideOf is the version a pin override of the entry's package (all lines, or the entry's
// marker) sets.
func overrideOf(ovs []constraints.Override, e constraints.Entry) (string, bool) {
	for _, o := range ovs {
		if o.Op == constraints.OpPin && pep503.Normalize(o.Package) == e.Key && (o.Marker == "" || sameMarker(o.Marker, e.Marker)) {
			return o.Version, true
		}
	}
	return "", false
}

func sameMarker(a, b string) bool {
	return strings.ReplaceAll(strings.ReplaceAll(a, " ", ""), "'", `"`) == strings.ReplaceAll(strings.ReplaceAll(b, " ", ""), "'", `"`)
}

// compare orders two PEP 440 versions; versions that do not parse compare as text.
func compare(a, b string) int {
	if c, err := pep440.CompareStrings(a, b); err == nil {
		return c
	}
	return strings.Compare(a, b)
}

// Starlark writes the proposals that still need an override as override.pin calls to paste into
// the release's overrides, each with a comment listing the advisories and their fixes.
func Starlark(props []Proposal) string {
	var b strings.Builder
	for _, p := range props {
		if p.Covered || p.Version == "" {
			continue
		}
		var ids, why []string
		for _, a := range p.Advisories {
			ids = append(ids, a.ID)
			why = append(why, fmt.Sprintf("%s (%s, fixed in %s)", a.ID, a.Severity, cmp.Or(a.FixedIn, "no release")))
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		fmt.Fprintf(&b, "# %s %s (line %d): %s\n", p.Package, p.Pin, p.Line, strings.Join(why, "; "))
		if p.Override != "" {
			fmt.Fprintf(&b, "# replaces the override to %s, which does not fix them all\n", p.Override)
		}
		if len(p.Unfixed) > 0 {
			fmt.Fprintf(&b, "# still affected, no fixed version: %s\n", strings.Join(p.Unfixed, ", "))
		}
		b.WriteString("override.pin(\n")
		fmt.Fprintf(&b, "    advisories = [%s],\n", quoteAll(ids))
		fmt.Fprintf(&b, "    expect = %q,\n", p.Pin)
		if p.Marker != "" {
			fmt.Fprintf(&b, "    marker = %q,\n", p.Marker)
		}
		fmt.Fprintf(&b, "    package = %q,\n", p.Package)
		fmt.Fprintf(&b, "    reason = %q,\n", reason(p))
		fmt.Fprintf(&b, "    version = %q,\n", p.Version)
		b.WriteString("),\n")
	}
	return b.String()
}

func reason(p Proposal) string {
	var parts []string
	for _, a := range p.Advisories {
		if a.Summary != "" && !slices.Contains(parts, a.Summary) {
			parts = append(parts, a.Summary)
		}
	}
	if len(parts) == 0 {
		return "Fixes " + p.Advisories[0].ID + "."
	}
	return strings.Join(parts, "; ") + "."
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}
