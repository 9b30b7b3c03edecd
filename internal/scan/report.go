package scan

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/citadel-build/citadel/internal/osv"
	"github.com/citadel-build/citadel/internal/sbom"
)

// Report is a scan's full outcome, what every output format is written from.
type Report struct {
	Subject Subject      `json:"subject"`
	DB      []osv.Source `json:"database"`
	Policy  Policy       `json:"policy"`
	Now     string       `json:"now"` // the date waivers were checked against
	Result
	now time.Time
}

// Subject is what was scanned.
type Subject struct {
	Image  string `json:"image,omitempty"`  // e.g. //images/horizon:2024.1
	Digest string `json:"digest,omitempty"` // the image's manifest digest
	Name   string `json:"name,omitempty"`   // the image's short name, for purls
	// Artifacts are the repository files findings point at in SARIF, by package type: the lock
	// for pypi, the base's pin for deb; or the SBOM scanned, for both.
	Artifacts map[string]string `json:"artifacts,omitempty"`
	Packages  int               `json:"packages"`
	// Overrides are the constraints overrides the image was built with (OpenVEX states their
	// advisories as fixed).
	Overrides []sbom.Override `json:"overrides,omitempty"`
}

// Scan matches doc against db after checking the database's positive controls, and applies the
// policy at time now.
func Scan(db *osv.DB, doc *sbom.Document, subject Subject, policy Policy, now time.Time) (*Report, error) {
	if err := CheckControls(db, doc); err != nil {
		return nil, err
	}
	findings, err := Match(db, doc)
	if err != nil {
		return nil, err
	}
	subject.Packages = len(doc.Packages)
	subject.Overrides = doc.Overrides
	if subject.Digest == "" {
		subject.Digest = doc.Image.Digest
	}
	if subject.Name == "" {
		subject.Name = doc.Image.Name
	}
	return &Report{Subject: subject, DB: db.Sources, Policy: policy, Now: now.UTC().Format(time.DateOnly), Result: policy.Apply(findings, now), now: now.UTC()}, nil
}

// JSON writes the report as indented JSON.
func (r *Report) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Table writes a table of the findings (violations first), then the waivers that expired or
// went unused, then a one-line verdict.
func (r *Report) Table(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PACKAGE\tINSTALLED\tFIXED IN\tADVISORY\tSEVERITY\tSTATUS")
	for _, pass := range []Status{StatusViolation, StatusWaived, StatusUnfixed, StatusBelow} {
		for _, f := range r.Findings {
			if f.Status != pass {
				continue
			}
			pkg := f.Package
			if f.Source != "" && f.Source != f.Package {
				pkg += " (" + f.Source + ")"
			}
			adv := f.ID
			if others := len(f.IDs) - 1; others > 0 {
				adv += fmt.Sprintf(" (+%d)", others)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", pkg, f.Installed, orDash(f.FixedIn), adv, f.Severity.Level, statusText(f))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, e := range r.Expired {
		fmt.Fprintf(w, "expired waiver: %s of %s (owner %s, %s) expired on %s, %d day(s) ago: renew it or fix the package\n",
			e.Waiver.ID, e.Waiver.Package, e.Waiver.Owner, orDash(e.Waiver.Where), e.Waiver.Expires, e.Days)
	}
	for _, u := range r.Unused {
		fmt.Fprintf(w, "unused waiver: %s of %s (%s) matches no finding: remove it\n", u.ID, u.Package, orDash(u.Where))
	}
	verdict := "PASSED"
	if !r.Passed {
		verdict = "FAILED"
	}
	counts := map[Status]int{}
	for _, f := range r.Findings {
		counts[f.Status]++
	}
	_, err := fmt.Fprintf(w, "%s: %d package(s), %d finding(s): %d violation(s) (threshold %s), %d waived, %d unfixed ignored, %d below threshold; %d expired waiver(s)\n",
		verdict, r.Subject.Packages, len(r.Findings), counts[StatusViolation], r.Policy.Severity, counts[StatusWaived], counts[StatusUnfixed], counts[StatusBelow], len(r.Expired))
	return err
}

func statusText(f Finding) string {
	if f.Status == StatusWaived && f.Waiver != nil {
		return fmt.Sprintf("waived until %s (%s)", f.Waiver.Expires, f.Waiver.Owner)
	}
	s := string(f.Status)
	if f.Undecided != "" {
		s += " (range not evaluated: " + f.Undecided + ")"
	}
	return s
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}
