package constraints

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/citadel-build/citadel/internal/pep440"
	"github.com/citadel-build/citadel/internal/pep508"
)

// Change is one line an override changed, removed or added.
type Change struct {
	Op         Op       `json:"op"`
	Package    string   `json:"package"`
	Marker     string   `json:"marker,omitempty"`
	From       string   `json:"from,omitempty"`
	To         string   `json:"to,omitempty"`
	Line       int      `json:"line"` // in the upstream file; for adds, in the patched file
	Advisories []string `json:"advisories"`
	Reason     string   `json:"reason"`
}

// Result is a patched constraints file.
type Result struct {
	Data    []byte
	Changes []Change // ordered by line
}

// SHA256 is the hex digest of the patched bytes.
func (r *Result) SHA256() string {
	s := sha256.Sum256(r.Data)
	return hex.EncodeToString(s[:])
}

// Apply applies every override to f, or none: any problem with any override is an error (all
// problems are reported together, each naming the release, package, expected and actual pin).
func Apply(release string, f *File, ovs []Override) (*Result, error) {
	var errs []error
	fail := func(o Override, format string, args ...any) {
		errs = append(errs, fmt.Errorf("release %s: %s (%s): %s", release, o.describe(), o.Where, fmt.Sprintf(format, args...)))
	}
	for _, o := range ovs {
		if err := o.validate(); err != nil {
			fail(o, "%v", strings.ReplaceAll(err.Error(), "\n", "; "))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	checkDuplicates(ovs, fail)

	lines := slices.Clone(f.Lines)
	removed := map[int]bool{}
	var changes []Change
	for _, o := range ovs {
		if o.Op == OpAdd {
			continue
		}
		targets, ok := targetEntries(f, o, fail)
		if !ok {
			continue
		}
		for _, e := range targets {
			if o.Op == OpPin && e.Pin == "" {
				fail(o, "line %d %q is not pinned with == or ===", e.Line, strings.TrimSpace(f.Lines[e.Line-1]))
				continue
			}
			if o.Expect != "" && !pep440.SameVersion(e.Pin, o.Expect) {
				fail(o, "expected upstream pin %s, but %s line %d pins %s%s: the override is stale; check whether it is still needed and update expect",
					o.Expect, f.Name, e.Line, e.Pin, markerNote(e.Marker))
				continue
			}
			c := Change{Op: o.Op, Package: e.Name, Marker: e.Marker, From: e.Pin, Line: e.Line, Advisories: nonNil(o.Advisories), Reason: o.Reason}
			if o.Op == OpRemove {
				removed[e.Line] = true
				changes = append(changes, c)
				continue
			}
			if err := checkDirection(o, e.Pin); err != nil {
				fail(o, "%v", err)
				continue
			}
			raw := lines[e.Line-1]
			lines[e.Line-1] = raw[:e.pinStart] + o.Version + raw[e.pinEnd:]
			c.To = o.Version
			changes = append(changes, c)
		}
	}
	var out []string
	for i, l := range lines {
		if !removed[i+1] {
			out = append(out, l)
		}
	}
	for _, o := range ovs {
		if o.Op != OpAdd {
			continue
		}
		req, _ := pep508.ParseRequirement(o.Requirement)
		if existing := f.Lookup(req.Name); len(existing) > 0 {
			fail(o, "%s already has %s on line %d: use override.pin or override.remove", f.Name, strings.TrimSpace(f.Lines[existing[0].Line-1]), existing[0].Line)
			continue
		}
		if n := len(out); n > 0 && !strings.HasSuffix(out[n-1], "\n") {
			out[n-1] += "\n"
		}
		out = append(out, o.Requirement+"\n")
		changes = append(changes, Change{Op: OpAdd, Package: req.Name, To: o.Requirement, Line: len(out), Advisories: nonNil(o.Advisories), Reason: o.Reason})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	slices.SortStableFunc(changes, func(a, b Change) int { return a.Line - b.Line })
	return &Result{Data: []byte(strings.Join(out, "")), Changes: changes}, nil
}

// checkDuplicates reports two overrides of the same package whose markers overlap (equal, or
// either targets every line).
func checkDuplicates(ovs []Override, fail func(Override, string, ...any)) {
	for i := range ovs {
		for j := 0; j < i; j++ {
			a, b := ovs[j], ovs[i]
			if a.subject() != b.subject() {
				continue
			}
			if a.Op != OpAdd && b.Op != OpAdd && a.Marker != "" && b.Marker != "" && normMarker(a.Marker) != normMarker(b.Marker) {
				continue
			}
			fail(b, "duplicate override: %s already has %s; merge them into one", a.Where, a.describe())
		}
	}
}

// targetEntries finds the lines an override applies to.
func targetEntries(f *File, o Override, fail func(Override, string, ...any)) ([]Entry, bool) {
	entries := f.Lookup(o.Package)
	if len(entries) == 0 {
		want := ""
		if o.Expect != "" {
			want = " (expected pin " + o.Expect + ")"
		}
		fail(o, "package %s is absent from %s%s", o.Package, f.Name, want)
		return nil, false
	}
	if o.Marker == "" {
		return entries, true
	}
	m := normMarker(o.Marker)
	var have []string
	for _, e := range entries {
		if e.Marker == m {
			return []Entry{e}, true
		}
		have = append(have, fmt.Sprintf("line %d %s%s", e.Line, e.Pin, markerNote(e.Marker)))
	}
	fail(o, "no line of %s has marker [%s]; upstream has: %s", f.Name, m, strings.Join(have, ", "))
	return nil, false
}

func checkDirection(o Override, from string) error {
	old, err1 := pep440.Parse(from)
	nv, err2 := pep440.Parse(o.Version)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("cannot compare %q with %q as PEP 440 versions", from, o.Version)
	}
	switch c := nv.Compare(old); {
	case c == 0:
		return fmt.Errorf("new version %s equals the upstream pin %s: drop the override", o.Version, from)
	case c < 0 && !o.Downgrade:
		return fmt.Errorf("new version %s is lower than the upstream pin %s: set downgrade = True if that is intended", o.Version, from)
	}
	return nil
}

func normMarker(s string) string {
	m, err := pep508.ParseMarker(s)
	if err != nil {
		return s
	}
	return m.String()
}

func markerNote(m string) string {
	if m == "" {
		return ""
	}
	return " [" + m + "]"
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
