package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/citadel-build/citadel/internal/decl"
	"github.com/citadel-build/citadel/internal/lock"
	"github.com/citadel-build/citadel/internal/pipeline"
	"github.com/citadel-build/citadel/internal/venv"
)

// sourceDateEpoch is SOURCE_DATE_EPOCH, 0 when unset.
func sourceDateEpoch() (int64, error) {
	s := os.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, &UsageError{fmt.Errorf("SOURCE_DATE_EPOCH=%q: want a non-negative number of seconds", s)}
	}
	return n, nil
}

// lockSource reads the lock of an image label or of --lock FILE.
func lockSource(cmd *cobra.Command, g *globals, args []string, lockFile string) (*lock.Lock, error) {
	path := lockFile
	if len(args) == 1 {
		ws, label, err := parseImageLabel(g, args[0])
		if err != nil {
			return nil, err
		}
		img, err := decl.LoadImage(cmd.Context(), ws, label)
		if err != nil {
			return nil, err
		}
		path = ws.Path(img.LockFile)
	} else if path == "" {
		return nil, &UsageError{fmt.Errorf("give an image label or --lock FILE")}
	}
	return pipeline.ReadLock(path)
}

func newVenvCmd(g *globals) *cobra.Command {
	var (
		ff         fetchFlags
		idx        indexFlags
		lockFile   string
		wheels     []string
		wheelhouse string
		out        string
		cfg        venv.Config
		asJSON     bool
	)
	cmd := &cobra.Command{
		Use:   "venv (//images/SERVICE:RELEASE | --lock FILE --wheel PATH...) -o DIR",
		Short: "Install the locked wheels into deterministic venv layer tarballs (stage 4)",
		Long: `Install every locked wheel into a virtualenv rooted at --prefix, written directly as gzip OCI layer
tarballs (no pip, no Python, no temporary tree), following the wheel and installed-project specs:
purelib/platlib, .data directories, #!python rewriting, console_scripts and gui_scripts launchers,
RECORD rewritten with the sha256 of every file placed, INSTALLER, REQUESTED for the image's roots.
The skeleton matches python3 -m venv for the target interpreter (pyvenv.cfg, bin/python*,
lib/python3.X/site-packages, lib64 -> lib).

Layers: one for the skeleton, one for each package of at least --own-layer bytes (so that
package version gives a byte-identical layer in every image that installs it), and one shared by
all other packages; at most --layers in all. Every wheel is validated before anything is written
(paths, RECORD hashes and sizes, decompression limits, WHEEL and METADATA) and checked against the
lock's sha256. Output: DIR/<digest>.tar.gz per layer and DIR/manifest.json (order, digest,
diff_id, size, packages). Timestamps come from SOURCE_DATE_EPOCH (default 0).

With a label, wheels come from --distdir, the cache, or (unless --offline) the index. With --lock
and --wheel the command is hermetic, as a Bazel action runs it: no cache, no network. Packages
the lock flags needs_build need --wheelhouse (see citadel wheelhouse).`,
		Example: `  citadel venv //images/horizon:2024.1 -o out/venv --wheelhouse out/wheelhouse
  citadel venv --lock images/horizon/2024.1.lock.json --wheel a.whl --wheel b.whl -o out/venv`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return &UsageError{fmt.Errorf("-o DIR is required")}
			}
			l, err := lockSource(cmd, g, args, lockFile)
			if err != nil {
				return err
			}
			var files map[string]string
			if len(wheels) > 0 || len(args) == 0 {
				files, err = pipeline.GivenFiles(wheels)
			} else {
				f, ferr := g.fetcher(&ff)
				if ferr != nil {
					return ferr
				}
				var projects pipeline.Projects
				if !ff.offline {
					client, cerr := idx.client()
					if cerr != nil {
						return cerr
					}
					projects = client
				}
				files, err = pipeline.LocalFiles(cmd.Context(), l, f, projects, ff.offline)
			}
			if err != nil {
				return err
			}
			if cfg.Epoch, err = sourceDateEpoch(); err != nil {
				return err
			}
			cfg.PythonVersion = l.Inputs.Target.PythonVersion
			m, err := pipeline.BuildVenv(cmd.Context(), pipeline.VenvInput{Lock: l, Files: files, Wheelhouse: wheelhouse, Config: cfg, Out: out})
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(m)
			}
			var total int64
			for _, layer := range m.Layers {
				total += layer.Size
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s: %d packages in %d layers, %.1f MB compressed\n", out, len(l.Packages), len(m.Layers), float64(total)/1e6)
			return nil
		},
	}
	ff.register(cmd)
	idx.register(cmd)
	cmd.Flags().StringVar(&lockFile, "lock", "", "lock file to install (instead of an image's)")
	cmd.Flags().StringArrayVar(&wheels, "wheel", nil, "a locked file, matched to the lock by sha256 (repeatable; hermetic form)")
	cmd.Flags().StringVar(&wheelhouse, "wheelhouse", "", "directory with wheelhouse.json: wheels built from the lock's needs_build sdists")
	cmd.Flags().StringVarP(&out, "output", "o", "", "output directory (replaced if it holds a previous output)")
	cmd.Flags().StringVar(&cfg.Prefix, "prefix", "/var/lib/openstack", "venv root inside the image")
	cmd.Flags().StringVar(&cfg.Interpreter, "interpreter", "", "base interpreter the venv links to (default /usr/bin/python3.X of the lock's target)")
	cmd.Flags().IntVar(&cfg.Layers, "layers", 16, "maximum number of layers")
	cmd.Flags().Int64Var(&cfg.OwnLayer, "own-layer", 1<<20, "installed bytes from which a package gets a layer of its own")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the manifest on standard output")
	return cmd
}

func newWheelhouseCmd(g *globals) *cobra.Command {
	var (
		ff          fetchFlags
		idx         indexFlags
		lockFile    string
		out, python string
		constraints []string
	)
	cmd := &cobra.Command{
		Use:   "wheelhouse (//images/SERVICE:RELEASE | --lock FILE) -o DIR --python PYTHON",
		Short: "Build wheels from the sdists a lock flags needs_build",
		Long: `Build a wheel from each sdist the lock flags needs_build, using PYTHON's pip (pip wheel --no-deps,
SOURCE_DATE_EPOCH set), from the sdist fetched and verified by its locked sha256. Each wheel must
install on the lock's target, so PYTHON must be the target's CPython minor version unless the
wheel is pure Python. DIR/wheelhouse.json records each wheel's sha256 and the sha256 of the sdist
it was built from; citadel venv --wheelhouse DIR installs only wheels that match both.
Build dependencies come from the index; --build-constraint passes constraints for them (for
example setuptools<82 for setup.py files that still import pkg_resources).`,
		Example: `  citadel wheelhouse //images/horizon:2024.1 -o out/wheelhouse --python python3.11 --build-constraint bc.txt
  citadel wheelhouse --lock images/horizon/2024.1.lock.json -o out/wheelhouse --python /usr/bin/python3.11`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" || python == "" {
				return &UsageError{fmt.Errorf("-o DIR and --python PYTHON are required")}
			}
			l, err := lockSource(cmd, g, args, lockFile)
			if err != nil {
				return err
			}
			f, err := g.fetcher(&ff)
			if err != nil {
				return err
			}
			client, err := idx.client()
			if err != nil {
				return err
			}
			epoch, err := sourceDateEpoch()
			if err != nil {
				return err
			}
			indexURL, err := idx.url()
			if err != nil {
				return err
			}
			wh, err := pipeline.BuildWheelhouse(cmd.Context(), pipeline.WheelhouseInput{Lock: l, Python: python, IndexURL: indexURL, BuildConstraints: constraints, Epoch: epoch, Out: out}, f, client)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "built %d wheels into %s\n", len(wh.Wheels), out)
			return nil
		},
	}
	ff.register(cmd)
	idx.register(cmd)
	cmd.Flags().StringVar(&lockFile, "lock", "", "lock file (instead of an image's)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "wheelhouse directory")
	cmd.Flags().StringVar(&python, "python", "", "Python interpreter with pip used to build")
	cmd.Flags().StringArrayVar(&constraints, "build-constraint", nil, "constraints file for build dependencies (repeatable)")
	return cmd
}
