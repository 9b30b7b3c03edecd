package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/citadel-build/citadel/internal/indexconfig"
	"github.com/citadel-build/citadel/internal/pipeline"
	"github.com/citadel-build/citadel/internal/simpleindex"
	"github.com/citadel-build/citadel/internal/workspace"
)

// indexFlags select the package index, overriding the user's pip/uv configuration.
type indexFlags struct {
	indexURL string
	extra    []string
}

func (fl *indexFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&fl.indexURL, "index-url", "", "simple-API index URL (overrides UV_DEFAULT_INDEX, PIP_INDEX_URL and pip.conf)")
	cmd.Flags().StringArrayVar(&fl.extra, "extra-index-url", nil, "further index consulted for projects the first does not have (repeatable)")
}

func (fl *indexFlags) config() (indexconfig.Config, error) {
	return indexconfig.Load(indexconfig.FromOS(), indexconfig.Flags{IndexURL: fl.indexURL, ExtraIndexURLs: fl.extra})
}

// url is the main index URL.
func (fl *indexFlags) url() (string, error) {
	cfg, err := fl.config()
	return cfg.IndexURL, err
}

func (fl *indexFlags) client() (*simpleindex.Client, error) {
	cfg, err := fl.config()
	if err != nil {
		return nil, err
	}
	indexes := []simpleindex.Index{{Name: "index", URL: cfg.IndexURL}}
	for i, u := range cfg.ExtraIndexURLs {
		indexes = append(indexes, simpleindex.Index{Name: fmt.Sprintf("extra-index-%d", i+1), URL: u})
	}
	return simpleindex.New(indexes), nil
}

func parseImageLabel(g *globals, arg string) (*workspace.Workspace, workspace.Label, error) {
	l, err := workspace.ParseLabel(arg, "")
	if err != nil {
		return nil, l, &UsageError{err}
	}
	ws, err := g.openWorkspace()
	return ws, l, err
}

func newLockCmd(g *globals) *cobra.Command {
	var (
		ff            fetchFlags
		idx           indexFlags
		check         bool
		allowUnpinned bool
		asJSON        bool
	)
	cmd := &cobra.Command{
		Use:   "lock //images/SERVICE:RELEASE",
		Short: "Resolve an image's packages into its committed lock file (stage 2)",
		Long: `Resolve the full dependency closure of an image's root packages (with their extras) against its
release's patched constraints, for the release's target Python and platform, and write the lock
file committed next to the image's BUILD.bazel.

Every version is the constraints pin (a root the constraints do not pin must pin itself with ==).
Dependencies come from Requires-Dist with markers evaluated for the target and the requested
extras, read from PEP 658 metadata where the index offers it, so resolving downloads no wheels.
Each package gets the best wheel for the target by PEP 425 tag order; a package with no
compatible wheel is locked as its sdist and flagged needs_build. Yanked files are used only
because every version is pinned exactly (PEP 592).

The index comes from --index-url / --extra-index-url, else UV_DEFAULT_INDEX (or UV_INDEX_URL) and
UV_INDEX, else PIP_INDEX_URL and PIP_EXTRA_INDEX_URL, else pip.conf in its standard locations.
Citadel has no built-in default index. The lock records no index URL: files are pinned by
sha256, so any mirror serving the same bytes produces the same lock.

With --check nothing is written: the exit status is 1 if the committed lock differs from what
resolving produces now, with a summary of the differences.`,
		Example: `  citadel lock //images/horizon:2024.1
  citadel lock //images/horizon:2024.1 --check
  PIP_INDEX_URL=https://mirror.example/simple citadel lock //images/keystone:2024.1`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, label, err := parseImageLabel(g, args[0])
			if err != nil {
				return err
			}
			client, err := idx.client()
			if err != nil {
				return err
			}
			f, err := g.fetcher(&ff)
			if err != nil {
				return err
			}
			bar := newBar(cmd.ErrOrStderr(), -1, "resolving", false)
			res, err := pipeline.Lock(cmd.Context(), pipeline.LockInput{
				Workspace: ws, Label: label, Check: check, AllowUnpinned: allowUnpinned,
				Progress: func(done, total int, name string) { barSet(bar, done) },
			}, f, client)
			barDone(bar)
			if err != nil {
				return err
			}
			needsBuild := pipeline.NeedsBuild(res.Lock)
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				if err := enc.Encode(map[string]any{
					"image": label.String(), "lock": res.Image.LockFile, "packages": len(res.Lock.Packages),
					"needs_build": nonNilStrings(needsBuild), "up_to_date": !res.Changed, "diff": nonNilStrings(res.Diff),
				}); err != nil {
					return err
				}
			} else {
				w := cmd.ErrOrStderr()
				verb := "wrote"
				if check {
					verb = "checked"
				}
				fmt.Fprintf(w, "%s %s: %d packages for python %s on %s\n", verb, res.Image.LockFile, len(res.Lock.Packages), res.Image.Release.PythonVersion, res.Image.Release.Platform)
				if len(needsBuild) > 0 {
					fmt.Fprintf(w, "warning: %d package(s) have no wheel for the target and are locked as sdists (needs_build): %s\n", len(needsBuild), strings.Join(needsBuild, ", "))
				}
				for _, d := range res.Diff {
					fmt.Fprintln(w, "  "+d)
				}
			}
			if res.Changed {
				return fmt.Errorf("%s is not up to date: run citadel lock %s", res.Image.LockFile, label)
			}
			return nil
		},
	}
	ff.register(cmd)
	idx.register(cmd)
	cmd.Flags().BoolVar(&check, "check", false, "exit 1 if the committed lock is not what resolving produces now; write nothing")
	cmd.Flags().BoolVar(&allowUnpinned, "allow-unpinned", false, "resolve dependencies the constraints do not pin to the newest version satisfying every specifier")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON summary on standard output")
	return cmd
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
