package scan

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/citadel-build/citadel/internal/pep503"
)

// Policy is a release's gate: what fails a scan and what has been accepted.
type Policy struct {
	// Severity is the threshold: an unwaived finding at or above it is a violation.
	Severity Level `json:"severity"`
	// IgnoreUnfixed leaves out findings no released version fixes (trivy's --ignore-unfixed).
	IgnoreUnfixed bool     `json:"ignore_unfixed"`
	Waivers       []Waiver `json:"waivers,omitempty"`
}

// Waiver accepts one vulnerability of one package until a date.
type Waiver struct {
	ID            string `json:"id"`      // any id or alias of the vulnerability
	Package       string `json:"package"` // package or Debian source name, or a purl (with or without version)
	Justification string `json:"justification"`
	Expires       string `json:"expires"` // YYYY-MM-DD: in force through that day (UTC)
	Owner         string `json:"owner"`
	// VEXJustification is the OpenVEX justification of the not_affected statement, if one of
	// OpenVEX's applies; otherwise the justification text is the statement's impact.
	VEXJustification string `json:"vex_justification,omitempty"`
	Where            string `json:"where,omitempty"` // the declaration, file:line
}

// Status is what the policy made of a finding.
type Status string

// The statuses, from failing to passing.
const (
	StatusViolation Status = "violation"
	StatusWaived    Status = "waived"
	StatusUnfixed   Status = "ignored-unfixed"
	StatusBelow     Status = "below-threshold"
)

var (
	datePattern       = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	vexJustifications = []string{"component_not_present", "vulnerable_code_not_present", "vulnerable_code_not_in_execute_path",
		"vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist"}
)

// ParsePolicy reads a policy from JSON (what the Bazel rule writes, or a --policy file) and
// checks it; name says where it is from, in errors.
func ParsePolicy(name string, data []byte) (*Policy, error) {
	var p Policy
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("policy %s: %w", name, err)
	}
	if err := p.Check(); err != nil {
		return nil, fmt.Errorf("policy %s: %w", name, err)
	}
	return &p, nil
}

// Check validates every waiver: all fields given, a real date, no two waivers of one pair.
func (p *Policy) Check() error {
	var errs []error
	seen := map[string]string{}
	for i, w := range p.Waivers {
		where := cmp.Or(w.Where, fmt.Sprintf("waivers[%d]", i))
		var missing []string
		for _, f := range []struct{ name, value string }{{"id", w.ID}, {"package", w.Package}, {"justification", w.Justification}, {"expires", w.Expires}, {"owner", w.Owner}} {
			if strings.TrimSpace(f.value) == "" {
				missing = append(missing, f.name)
			}
		}
		if len(missing) > 0 {
			errs = append(errs, fmt.Errorf("%s: waiver %s of %s: missing %s", where, w.ID, w.Package, strings.Join(missing, ", ")))
			continue
		}
		if _, err := w.expiry(); err != nil {
			errs = append(errs, fmt.Errorf("%s: waiver %s of %s: %w", where, w.ID, w.Package, err))
		}
		if w.VEXJustification != "" && !slices.Contains(vexJustifications, w.VEXJustification) {
			errs = append(errs, fmt.Errorf("%s: waiver %s of %s: vex_justification %q: want one of %s", where, w.ID, w.Package, w.VEXJustification, strings.Join(vexJustifications, ", ")))
		}
		key := strings.ToUpper(w.ID) + "\x00" + w.Package
		if other, dup := seen[key]; dup {
			errs = append(errs, fmt.Errorf("%s: waiver %s of %s duplicates the one at %s", where, w.ID, w.Package, other))
		}
		seen[key] = where
	}
	return errors.Join(errs...)
}

// expiry is the first instant the waiver is no longer in force: the day after Expires, UTC.
func (w Waiver) expiry() (time.Time, error) {
	if !datePattern.MatchString(w.Expires) {
		return time.Time{}, fmt.Errorf("expires %q: want YYYY-MM-DD", w.Expires)
	}
	d, err := time.Parse(time.DateOnly, w.Expires)
	if err != nil {
		return time.Time{}, fmt.Errorf("expires %q: %w", w.Expires, err)
	}
	return d.AddDate(0, 0, 1), nil
}

// covers reports whether the waiver is about finding f.
func (w Waiver) covers(f Finding) bool {
	idMatch := slices.ContainsFunc(f.IDs, func(id string) bool { return strings.EqualFold(id, w.ID) })
	if !idMatch {
		return false
	}
	switch pkg := w.Package; {
	case strings.HasPrefix(pkg, "pkg:"):
		return f.Purl == pkg || strings.HasPrefix(f.Purl, pkg+"@")
	case f.Type == "pypi":
		return pep503.Normalize(pkg) == pep503.Normalize(f.Package)
	default:
		return pkg == f.Package || pkg == f.Source
	}
}

// Expired is a waiver past its date.
type Expired struct {
	Waiver Waiver `json:"waiver"`
	Since  string `json:"since"` // the first day it no longer applied
	Days   int    `json:"days"`  // how many days ago that was
}

// Result is a scan's outcome under a policy.
type Result struct {
	Findings []Finding `json:"findings"`
	Expired  []Expired `json:"expired_waivers"`
	// Unused are waivers in force that matched no finding: candidates for removal.
	Unused     []Waiver `json:"unused_waivers"`
	Violations int      `json:"violations"`
	Passed     bool     `json:"passed"`
}

// Apply decides every finding's status at time now: waived by a waiver in force; else ignored
// when unfixed and the policy says so; else a violation at or above the threshold. The result
// fails on any violation and on any expired waiver, whether or not it still matches, so
// acceptances are reviewed when they run out.
func (p *Policy) Apply(findings []Finding, now time.Time) Result {
	r := Result{Findings: slices.Clone(findings), Expired: []Expired{}, Unused: []Waiver{}}
	used := make([]bool, len(p.Waivers))
	for i := range r.Findings {
		f := &r.Findings[i]
		f.Status, f.Waiver = p.status(*f), nil
		for j, w := range p.Waivers {
			if !w.covers(*f) {
				continue
			}
			used[j] = true
			if end, _ := w.expiry(); now.Before(end) {
				f.Status, f.Waiver = StatusWaived, &p.Waivers[j]
				break
			}
		}
		if f.Status == StatusViolation {
			r.Violations++
		}
	}
	for j, w := range p.Waivers {
		end, _ := w.expiry()
		switch {
		case !now.Before(end):
			r.Expired = append(r.Expired, Expired{Waiver: w, Since: end.Format(time.DateOnly), Days: int(now.Sub(end).Hours() / 24)})
		case !used[j]:
			r.Unused = append(r.Unused, w)
		}
	}
	r.Passed = r.Violations == 0 && len(r.Expired) == 0
	return r
}

func (p *Policy) status(f Finding) Status {
	switch {
	case p.IgnoreUnfixed && f.Unfixed:
		return StatusUnfixed
	case f.Severity.Level >= p.Severity:
		return StatusViolation
	}
	return StatusBelow
}
