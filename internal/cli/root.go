// Package cli holds the cobra commands of the citadel binary. Each command parses flags and calls
// one package; no stage logic lives here.
package cli

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/citadel-build/citadel/internal/fetch"
	"github.com/citadel-build/citadel/internal/workspace"
)

// UsageError marks a wrong invocation; main exits 2 for it.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// globals are the persistent flags every command shares.
type globals struct {
	workspace string
	cacheDir  string
}

// New returns the root command.
func New() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "citadel",
		Short: "Build secure, reproducible OpenStack service images from one declarative graph",
		Long: `Citadel builds OpenStack service images (//images/horizon:2023.1, ...) as a chain of
hermetic, hash-pinned stages declared in Bazel files (MODULE.bazel, releases/*/BUILD.bazel,
images/*/BUILD.bazel). Each stage is a subcommand that can run alone with explicit input and
output paths, as a Bazel action does.

Labels are Bazel labels relative to the workspace root, the nearest parent directory holding
MODULE.bazel (or --workspace).`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&g.workspace, "workspace", "", "workspace root (default: nearest parent directory with MODULE.bazel)")
	root.PersistentFlags().StringVar(&g.cacheDir, "cache-dir", "", "content-addressed download cache (default: $XDG_CACHE_HOME/citadel or ~/.cache/citadel)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &UsageError{err} })
	root.AddCommand(newConstraintsCmd(g), newLockCmd(g), newFetchCmd(g), newVenvCmd(g), newWheelhouseCmd(g), newImageCmd(), newBuildCmd(g), newSBOMCmd(g), newScanCmd(g))
	return root
}

func (g *globals) openWorkspace() (*workspace.Workspace, error) {
	if g.workspace != "" {
		return workspace.Open(g.workspace)
	}
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	return workspace.Find(wd)
}

// fetchFlags are the flags of commands that obtain pinned inputs.
type fetchFlags struct {
	distdirs []string
	offline  bool
}

func (ff *fetchFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&ff.distdirs, "distdir", nil, "directory searched recursively, before the cache and the network, for files with the expected sha256 (repeatable)")
	cmd.Flags().BoolVar(&ff.offline, "offline", false, "never use the network: inputs must be in a --distdir or the cache")
}

func (g *globals) fetcher(ff *fetchFlags, extra ...fetch.Option) (*fetch.Fetcher, error) {
	dir := g.cacheDir
	if dir == "" {
		var err error
		if dir, err = fetch.DefaultCacheDir(); err != nil {
			return nil, err
		}
	}
	// Absolute, because the paths the fetcher returns are handed to tools running elsewhere
	// (pip wheel runs in a temporary directory).
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	distdirs := make([]string, len(ff.distdirs))
	for i, d := range ff.distdirs {
		if distdirs[i], err = filepath.Abs(d); err != nil {
			return nil, err
		}
	}
	opts := append([]fetch.Option{fetch.WithDistdirs(distdirs...), fetch.WithCacheDir(dir), fetch.WithOffline(ff.offline)}, extra...)
	return fetch.New(opts...), nil
}

// IsUsage reports whether err is a usage error.
func IsUsage(err error) bool {
	var u *UsageError
	return errors.As(err, &u)
}

// ExitError carries the exit status a command asks for (citadel scan: 1 for a failed gate, 2
// for anything that kept it from deciding).
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// ExitCode is the exit status for err: 0 without one, 2 for usage errors, the ExitError's code,
// else 1.
func ExitCode(err error) int {
	var x *ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &x):
		return x.Code
	case IsUsage(err):
		return 2
	}
	return 1
}
