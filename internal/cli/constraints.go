package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/citadel-build/citadel/internal/atomicfile"
	"github.com/citadel-build/citadel/internal/audit"
	"github.com/citadel-build/citadel/internal/pipeline"
	"github.com/citadel-build/citadel/internal/workspace"
)

func newConstraintsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "constraints",
		Short: "Patch a release's upper-constraints with its overrides, or audit its pins (stage 1)",
	}
	cmd.AddCommand(newConstraintsPatchCmd(g), newConstraintsAuditCmd(g))
	return cmd
}

func newConstraintsPatchCmd(g *globals) *cobra.Command {
	var (
		ff                          fetchFlags
		constraintsFile, oversFile  string
		output, report, releaseName string
	)
	cmd := &cobra.Command{
		Use:   "patch [//releases/RELEASE]",
		Short: "Apply a release's typed overrides to its upstream upper-constraints",
		Long: `Apply a release's typed overrides (override.pin / remove / add in releases/RELEASE/BUILD.bazel)
to its upstream upper-constraints.txt, pinned by URL and sha256 in MODULE.bazel.

Every line except the overridden ones is byte-identical to upstream. An override whose expected
pin is not what upstream has, a package that is absent, a new version that is not greater (unless
the override says downgrade), a duplicate override or a malformed version is an error naming the
release, package, expected and actual pin; then nothing is written.

The upstream file is found by sha256: in each --distdir (any name, any depth), then in the cache,
then on the network (not with --offline). --constraints FILE uses a local file instead (for
trying overrides against another file; no sha256 check applies). --overrides FILE reads the
overrides from the JSON written by the Bazel rule instead of the BUILD file; with both flags no
label is needed, as in a hermetic Bazel action.`,
		Example: `  citadel constraints patch //releases/2023.1 --distdir ../shared/data
  citadel constraints patch //releases/2023.1 --constraints 2023.2/upper-constraints.txt
  citadel constraints patch --constraints uc.txt --overrides overrides.json -o out.txt --report report.json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in := pipeline.PatchInput{ReleaseName: releaseName, ConstraintsFile: constraintsFile, OverridesFile: oversFile}
			if len(args) == 1 {
				l, err := workspace.ParseLabel(args[0], "")
				if err != nil {
					return &UsageError{err}
				}
				if in.Workspace, err = g.openWorkspace(); err != nil {
					return err
				}
				in.Label = &l
			} else if constraintsFile == "" || oversFile == "" {
				return &UsageError{errors.New("give a release label, or both --constraints and --overrides")}
			}
			f, err := g.fetcher(&ff)
			if err != nil {
				return err
			}
			p, err := pipeline.PatchConstraints(cmd.Context(), in, f)
			if err != nil {
				return err
			}
			rep, err := p.Report.JSON()
			if err != nil {
				return err
			}
			return writeOutputs(cmd.OutOrStdout(), output, p.Result.Data, report, rep)
		},
	}
	ff.register(cmd)
	cmd.Flags().StringVar(&constraintsFile, "constraints", "", "use this upstream constraints file instead of the release's pinned one")
	cmd.Flags().StringVar(&oversFile, "overrides", "", "read overrides from this JSON file (as the Bazel rule writes it) instead of the BUILD file")
	cmd.Flags().StringVar(&releaseName, "release-name", "", "release name for messages when no label is given")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the patched constraints to FILE instead of standard output")
	cmd.Flags().StringVar(&report, "report", "", "write a JSON report of each change (package, from, to, advisories, reason, line) to FILE")
	return cmd
}

// writeOutputs writes the report first, so that a failure leaves no patched file claiming to be
// complete; each file is written atomically.
func writeOutputs(stdout io.Writer, output string, data []byte, report string, rep []byte) error {
	if report != "" {
		if err := atomicfile.WriteFile(report, rep, 0o644); err != nil {
			return err
		}
	}
	if output == "" {
		_, err := stdout.Write(data)
		return err
	}
	if err := atomicfile.WriteFile(output, data, 0o644); err != nil {
		return fmt.Errorf("write patched constraints: %w", err)
	}
	return nil
}

func newConstraintsAuditCmd(g *globals) *cobra.Command {
	var (
		ff              fetchFlags
		dbs             []string
		constraintsFile string
		asJSON          bool
	)
	cmd := &cobra.Command{
		Use:   "audit //releases/RELEASE --db DB... [--json]",
		Short: "Scan a release's upstream constraint pins and propose overrides that fix them",
		Long: `Match every pin of a release's upstream upper-constraints (before its overrides) against an OSV
vulnerability database (--db, as for citadel scan; its PyPI positive control must pass) and
propose, for each vulnerable pin, an override.pin to the lowest version that fixes all of its
advisories: for each advisory the smallest fixed version above the pin, and of those the
highest. Each proposal is printed in the release's override format, ready to paste into
releases/RELEASE/BUILD.bazel, after a comment listing every advisory with its severity and fix.

Pins the release's overrides already move to a fixed version are reported as covered and not
proposed; an override that does not reach the fix is proposed again with the higher version.
Advisories without a fixed version are listed: no override can fix them. --json prints every
vulnerable pin with its advisories instead. --constraints FILE audits another file with the
release's overrides.`,
		Example: `  citadel constraints audit //releases/2023.1 --db osv/PyPI-all.zip --distdir ../shared/data
  citadel constraints audit //releases/2024.1 --db @osv_pypi//file --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := workspace.ParseLabel(args[0], "")
			if err != nil {
				return &UsageError{err}
			}
			ws, err := g.openWorkspace()
			if err != nil {
				return err
			}
			f, err := g.fetcher(&ff)
			if err != nil {
				return err
			}
			props, rel, err := pipeline.Audit(cmd.Context(), pipeline.AuditInput{Workspace: ws, Label: l, ConstraintsFile: constraintsFile, DBs: dbs}, f)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(props)
			}
			covered := 0
			for _, p := range props {
				if p.Covered {
					covered++
					fmt.Fprintf(out, "# %s %s: covered by the override to %s\n", p.Package, p.Pin, p.Override)
				}
			}
			fmt.Fprint(out, audit.Starlark(props))
			fmt.Fprintf(cmd.ErrOrStderr(), "%s: %d vulnerable pin(s), %d covered by its overrides, %d to override\n", rel.Label, len(props), covered, len(props)-covered)
			return nil
		},
	}
	ff.register(cmd)
	cmd.Flags().StringArrayVar(&dbs, "db", nil, "OSV database: all.zip, directory of OSV JSON, or @repo//file pinned in MODULE.bazel (repeatable)")
	cmd.Flags().StringVar(&constraintsFile, "constraints", "", "audit this constraints file instead of the release's pinned upstream")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print every vulnerable pin with its advisories as JSON")
	return cmd
}
