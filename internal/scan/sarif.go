package scan

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

// securitySeverity is the CVSS-like score GitHub code scanning ranks results by, for findings
// whose advisories give only a level (GitHub maps >= 9 critical, >= 7 high, >= 4 medium).
var securitySeverity = map[Level]float64{Unknown: 0, Low: 2, Medium: 5.5, High: 8, Critical: 9.5}

// SARIF writes the report as SARIF 2.1.0 for GitHub code scanning: a rule per advisory (with
// security-severity and the security tag), a result per finding at level error (violation),
// warning (below the threshold) or note (unfixed, ignored), located at the file that pins the
// package; a waived finding carries an accepted external suppression with its justification.
func (r *Report) SARIF(w io.Writer, version string) error {
	run := sarif.NewRunWithInformationURI("citadel", "https://github.com/citadel-build/citadel")
	run.Tool.Driver.WithVersion(version)
	rules := map[string]bool{}
	for _, f := range r.Findings {
		if !rules[f.ID] {
			rules[f.ID] = true
			score := f.Severity.Score
			if f.Severity.Source != "cvss" {
				score = securitySeverity[f.Severity.Level]
			}
			props := sarif.NewPropertyBag().Add("security-severity", strconv.FormatFloat(score, 'f', 1, 64)).
				WithTags([]string{"security", "vulnerability", f.Severity.Level.String()})
			rule := run.AddRule(f.ID).
				WithShortDescription(sarif.NewMultiformatMessageString().WithText(cmp.Or(f.Summary, f.ID))).
				WithFullDescription(sarif.NewMultiformatMessageString().WithText(fmt.Sprintf("%s (also known as %v)", cmp.Or(f.Summary, f.ID), f.IDs))).
				WithProperties(props)
			if f.URL != "" {
				rule.WithHelpURI(f.URL)
			}
			rule.WithHelp(sarif.NewMultiformatMessageString().WithText(help(f)))
		}
		uri := r.Subject.Artifacts[f.Type]
		if uri == "" {
			uri = "."
		}
		res := run.CreateResultForRule(f.ID).
			WithLevel(sarifLevel(f.Status)).
			WithMessage(sarif.NewTextMessage(message(f))).
			AddLocation(sarif.NewLocationWithPhysicalLocation(sarif.NewPhysicalLocation().
				WithArtifactLocation(sarif.NewSimpleArtifactLocation(uri))).
				AddLogicalLocation(sarif.NewLogicalLocation().WithFullyQualifiedName(f.Purl).WithKind("package"))).
			WithPartialFingerprints(map[string]string{"citadel/v1": fingerprint(f)})
		if f.Status == StatusWaived && f.Waiver != nil {
			res.AddSuppression(sarif.NewSuppression().WithKind("external").WithStatus("accepted").
				WithJustification(fmt.Sprintf("%s (owner %s, until %s)", f.Waiver.Justification, f.Waiver.Owner, f.Waiver.Expires)))
		}
	}
	report := sarif.NewReport()
	report.AddRun(run)
	var buf bytes.Buffer
	if err := report.PrettyWrite(&buf); err != nil {
		return fmt.Errorf("write SARIF: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func sarifLevel(s Status) string {
	switch s {
	case StatusViolation:
		return "error"
	case StatusBelow, StatusWaived:
		return "warning"
	}
	return "note"
}

func message(f Finding) string {
	fix := "no fixed version is known"
	if f.FixedIn != "" {
		fix = "fixed in " + f.FixedIn
	}
	src := ""
	if f.Source != "" && f.Source != f.Package {
		src = fmt.Sprintf(" (source package %s %s)", f.Source, f.SourceVersion)
	}
	return fmt.Sprintf("%s %s%s is affected by %s (%s severity): %s; %s.", f.Package, f.Installed, src, f.ID, f.Severity.Level, fix, f.Status)
}

func help(f Finding) string {
	if f.FixedIn == "" {
		return fmt.Sprintf("No fixed version of %s is known. Waive the finding with a justification and an expiry date, or remove the package.", f.Package)
	}
	if f.Type == "pypi" {
		return fmt.Sprintf("Add an override.pin of %s to %s (or newer) to the release's overrides and re-lock the image.", f.Package, f.FixedIn)
	}
	return fmt.Sprintf("Rebuild the base image with %s %s or newer and pin its new digest.", f.Source, f.FixedIn)
}

func fingerprint(f Finding) string {
	sum := sha256.Sum256([]byte(f.ID + "\x00" + f.Purl))
	return hex.EncodeToString(sum[:16])
}
