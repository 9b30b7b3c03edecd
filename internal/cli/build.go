package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/citadel-build/citadel/internal/fetch"
	"github.com/citadel-build/citadel/internal/lock"
	"github.com/citadel-build/citadel/internal/pipeline"
)

// buildFlags are citadel build's inputs; sbom and scan take them too, to build an image first.
type buildFlags struct {
	ff                 fetchFlags
	idx                indexFlags
	in                 pipeline.BuildInput
	revision           string
	noRevision, asJSON bool
	now                string
}

// register adds the flags; layoutFlag names the layout output flag ("output" for build, with
// -o; "layout" where -o is another output).
func (b *buildFlags) register(cmd *cobra.Command, layoutFlag string) {
	b.ff.register(cmd)
	b.idx.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&b.in.Base, "base", "", "base image: oci:DIR[:REF], oci-archive:FILE[:REF] or REGISTRY/REPO@sha256:… (default: the release's)")
	usage := "OCI image layout directory to write (default: out/images/SERVICE/RELEASE in the workspace)"
	if layoutFlag == "output" {
		fl.StringVarP(&b.in.Out, layoutFlag, "o", "", usage)
	} else {
		fl.StringVar(&b.in.Out, layoutFlag, "", usage)
	}
	fl.StringVar(&b.in.Wheelhouse, "wheelhouse", "", "directory with wheelhouse.json: wheels built from the lock's needs_build sdists (see citadel wheelhouse)")
	fl.StringVar(&b.in.Source, "source", "", "org.opencontainers.image.source label: URL of the repository")
	fl.StringVar(&b.revision, "revision", "", "org.opencontainers.image.revision label (default: the workspace's git HEAD commit)")
	fl.BoolVar(&b.noRevision, "no-revision", false, "do not label the image with a revision")
}

// build runs every stage for the image label arg and returns the result and the fetcher used.
func (b *buildFlags) build(cmd *cobra.Command, g *globals, arg string) (*pipeline.BuildResult, *fetch.Fetcher, error) {
	ws, label, err := parseImageLabel(g, arg)
	if err != nil {
		return nil, nil, err
	}
	in := b.in
	in.Workspace, in.Label = ws, label
	if in.Out == "" {
		in.Out = ws.Path(filepath.Join("out", label.Pkg, label.Name))
	}
	f, err := g.fetcher(&b.ff)
	if err != nil {
		return nil, nil, err
	}
	if !b.ff.offline {
		client, err := b.idx.client()
		if err != nil {
			return nil, nil, err
		}
		in.Index = lock.Index(client)
	}
	if in.Epoch, err = sourceDateEpoch(); err != nil {
		return nil, nil, err
	}
	switch {
	case b.noRevision:
	case b.revision != "":
		in.Revision = b.revision
	default:
		in.Revision = ws.GitRevision()
	}
	if in.Now, err = parseNow(b.now); err != nil {
		return nil, nil, err
	}
	stderr := cmd.ErrOrStderr()
	in.Log = func(format string, a ...any) { fmt.Fprintf(stderr, format+"\n", a...) }
	res, err := pipeline.Build(cmd.Context(), in, f)
	if errors.Is(err, pipeline.ErrGate) {
		err = &ExitError{Code: 1, Err: err}
	}
	return res, f, err
}

func newBuildCmd(g *globals) *cobra.Command {
	var b buildFlags
	cmd := &cobra.Command{
		Use:   "build //images/SERVICE:RELEASE [--base REF] [-o DIR] [--archive FILE] [--push REPO[:TAG]]",
		Short: "Build an image: constraints, lock check, fetch, venv and image, then push",
		Long: `Build an image from its declaration, running every stage the way the Bazel rules do:

  1. constraints  patch the release's pinned upstream upper-constraints with its overrides
  2. lock         the committed lock must be current: re-resolved against the index, it must be
                  byte-identical (offline: its recorded inputs must equal the declarations')
  3. fetch        every locked file from --distdir, the cache or the index, verified by sha256
  4. venv         the wheels installed into deterministic layers (--wheelhouse for sdists)
  5. image        base + a layer adding the service user + the venv layers, with the config

The base is the release's (base = "@REPO", an oci.pull pinned by digest in MODULE.bazel) unless
--base gives oci:DIR[:REF], oci-archive:FILE[:REF] or REGISTRY/REPO@sha256:…; a reference without
a digest is refused, and a multi-platform base gives the release's platform. The base must have
the interpreter the venv links to at the lock's Python version.

The image is written as an OCI image layout (-o, reference name RELEASE), also as an OCI archive
with --archive, and pushed by digest with --push (Docker credential chain; blobs the registry
has are not uploaded again). Labels and annotations: org.opencontainers.image.{title,version,
source,revision,base.name,base.digest} and dev.citadel.{image,openstack.release,
constraints.sha256,constraints.upstream.sha256,overrides,lock.sha256}. Times come from
SOURCE_DATE_EPOCH (default 0): the same inputs give the same digest on any machine. The digest
is printed; --json prints a summary.

With --db (or the image's vulndb) the image is scanned before it is pushed, as citadel scan
does under the release's scan_policy; an image that fails the gate is written but not pushed,
and the build exits 1.`,
		Example: `  citadel build //images/horizon:2024.1 --wheelhouse out/wheelhouse
  citadel build //images/horizon:2024.1 --base oci:out/bookworm:bookworm -o out/horizon --archive out/horizon.tar
  citadel build //images/keystone:2024.1 --push registry.internal:5000/openstack/keystone:2024.1`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			res, _, err := b.build(cmd, g, args[0])
			if err != nil {
				return err
			}
			if b.asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			fmt.Fprintln(cmd.OutOrStdout(), res.Digest)
			return nil
		},
	}
	b.register(cmd, "output")
	fl := cmd.Flags()
	fl.StringVar(&b.in.Archive, "archive", "", "also write the image as an OCI archive (tar) here")
	fl.StringVar(&b.in.Push, "push", "", "push to REGISTRY/REPO[:TAG], by digest (and the tag if given)")
	fl.BoolVar(&b.asJSON, "json", false, "print a JSON summary (digest, base, lock, layers, labels, scan, push) instead of the digest")
	fl.StringArrayVar(&b.in.ScanDBs, "db", nil, "OSV database of the scan gate run before pushing (repeatable; default: the image's vulndb)")
	fl.StringVar(&b.now, "now", "", "the date the gate checks waivers against, YYYY-MM-DD (default: today, UTC)")
	return cmd
}
