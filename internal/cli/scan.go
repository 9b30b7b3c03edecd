package cli

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/citadel-build/citadel/internal/decl"
	"github.com/citadel-build/citadel/internal/pipeline"
	"github.com/citadel-build/citadel/internal/sbom"
)

func newScanCmd(g *globals) *cobra.Command {
	var (
		subj               subjectFlags
		sbomFile           string
		dbs                []string
		policyFile, format string
		output, nowFlag    string
	)
	cmd := &cobra.Command{
		Use:   "scan (//images/SERVICE:RELEASE | --image REF | --sbom FILE) --db DB... [--policy FILE] [--format table|json|sarif|openvex]",
		Short: "Scan an image's packages against a pinned vulnerability database: the gate (stage 7)",
		Long: `Match an image's packages against an OSV vulnerability database and apply the release's policy.

The packages come from the image's SBOM: built as citadel sbom does (a label is built first, as
citadel build does; --image is an image built before), or read from --sbom FILE (SPDX 2.x or
CycloneDX JSON from any tool; pypi and deb purls are scanned). Python packages are matched by
PEP 503 name and PEP 440 version; Debian packages by their source package and dpkg version
order, in the Debian release their purl or the image's os-release names. Ranges (introduced,
fixed, last_affected) and versions lists are evaluated as the OSV schema says; advisories that
are aliases of each other (GHSA, PYSEC, CVE, DSA) are one finding.

--db (repeatable) is an OSV all.zip export, a directory of OSV JSON files (or of zips), or the
@repo//file label of an http_file that pins a snapshot by sha256 in MODULE.bazel, fetched like
every other input; by default, the image declaration's vulndb. Before scanning, the database must find known advisories in a known
vulnerable version of each ecosystem scanned (urllib3 1.26.12: CVE-2023-43804; glibc
2.36-9+deb12u2 in Debian 12: CVE-2023-4911); an empty, truncated or wrong database is an error,
never a pass.

The policy is --policy FILE (JSON: severity, ignore_unfixed, waivers) or the release's
scan_policy (scan.policy in releases/RELEASE/BUILD.bazel); by default HIGH and above fail.
A finding fails the gate if it is at or above the severity threshold, not ignored as unfixed,
and not waived. A waiver names an id, a package (or its Debian source, or a purl), a
justification, an owner and an expiry date; it is checked against --now (default: today, UTC),
and an expired waiver fails the gate with the date it lapsed.

Output (-o FILE or standard output): a table, JSON, SARIF 2.1.0 for GitHub code scanning
(waived findings as accepted suppressions) or OpenVEX (waivers as not_affected, override
advisories as fixed, the rest as affected). The report is written whatever the verdict.
Exit status: 0 passed, 1 failed the policy, 2 usage or database error.`,
		Example: `  citadel scan //images/horizon:2024.1 --db @osv_pypi//file --db @osv_debian//file --base oci:out/bookworm:bookworm
  citadel scan --image out/images/horizon/2024.1 --db osv/ --format sarif -o horizon.sarif
  citadel scan --sbom horizon.cdx.json --db PyPI-all.zip --db Debian-all.zip --policy policy.json --now 2026-12-03`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			err := runScan(cmd, g, args, &subj, sbomFile, dbs, policyFile, format, output, nowFlag)
			var x *ExitError
			if err != nil && !errors.As(err, &x) {
				err = &ExitError{Code: 2, Err: err}
			}
			return err
		},
	}
	subj.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&sbomFile, "sbom", "", "scan this SBOM (SPDX 2.x or CycloneDX JSON) instead of an image")
	fl.StringArrayVar(&dbs, "db", nil, "OSV database: all.zip, directory of OSV JSON, or @repo//file pinned in MODULE.bazel (repeatable)")
	fl.StringVar(&policyFile, "policy", "", "policy JSON file (default: the release's scan_policy)")
	fl.StringVar(&format, "format", "table", "table, json, sarif or openvex")
	fl.StringVarP(&output, "output", "o", "", "write the report to FILE (atomically) instead of standard output")
	fl.StringVar(&nowFlag, "now", "", "the date waivers are checked against, YYYY-MM-DD (default: today, UTC)")
	return cmd
}

func runScan(cmd *cobra.Command, g *globals, args []string, subj *subjectFlags, sbomFile string, dbs []string, policyFile, format, output, nowFlag string) error {
	if !map[string]bool{"table": true, "json": true, "sarif": true, "openvex": true}[format] {
		return &UsageError{fmt.Errorf("--format %q: want table, json, sarif or openvex", format)}
	}
	now, err := parseNow(nowFlag)
	if err != nil {
		return err
	}
	in := pipeline.ScanInput{DBs: dbs, PolicyFile: policyFile, Now: now}
	// A workspace gives the release's policy and resolves @repo//file databases; an SBOM scanned
	// with --policy and database paths needs none.
	ws, err := g.openWorkspace()
	if err != nil && g.workspace != "" {
		return err
	}
	in.Workspace = ws
	var doc *sbom.Document
	var declared *decl.Image
	switch {
	case sbomFile != "" && (len(args) > 0 || subj.image != ""):
		return &UsageError{errors.New("give one of an image label, --image or --sbom")}
	case sbomFile != "":
		doc, err = pipeline.ReadSBOM(sbomFile)
		in.SBOMFile = sbomFile
	default:
		doc, declared, err = subj.document(cmd, g, args)
	}
	if err != nil {
		return err
	}
	in.Doc, in.Declared = doc, declared
	f, err := g.fetcher(&subj.b.ff)
	if err != nil {
		return err
	}
	rep, err := pipeline.Scan(cmd.Context(), in, f)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	switch format {
	case "table":
		err = rep.Table(&buf)
	case "json":
		err = rep.JSON(&buf)
	case "sarif":
		err = rep.SARIF(&buf, pipeline.Version)
	case "openvex":
		err = rep.OpenVEX(&buf, pipeline.Tool)
	}
	if err != nil {
		return err
	}
	if err := writeOrPrint(cmd, output, buf.Bytes()); err != nil {
		return err
	}
	if !rep.Passed {
		return &ExitError{Code: 1, Err: fmt.Errorf("scan of %s failed its policy: %d violation(s), %d expired waiver(s)", scanName(rep.Subject.Image, sbomFile), rep.Violations, len(rep.Expired))}
	}
	return nil
}

func scanName(image, sbomFile string) string {
	if image != "" {
		return image
	}
	return sbomFile
}

// parseNow reads --now: a date, or today (UTC) when empty.
func parseNow(s string) (time.Time, error) {
	if s == "" {
		return time.Now().UTC(), nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, &UsageError{fmt.Errorf("--now %q: want YYYY-MM-DD", s)}
	}
	return t, nil
}
