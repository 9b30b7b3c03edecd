package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/spf13/cobra"

	"github.com/citadel-build/citadel/internal/constraints"
	"github.com/citadel-build/citadel/internal/decl"
	"github.com/citadel-build/citadel/internal/image"
	"github.com/citadel-build/citadel/internal/jsonfile"
	"github.com/citadel-build/citadel/internal/lock"
	"github.com/citadel-build/citadel/internal/pipeline"
	"github.com/citadel-build/citadel/internal/workspace"
)

func newImageCmd() *cobra.Command {
	var (
		base, venvDir, out, tag, platform string
		cfg                               image.Config
		labels                            []string
		li                                pipeline.LabelInput
		lockFile, reportFile              string
		module, baseRepo                  string
	)
	cmd := &cobra.Command{
		Use:   "image --base oci:DIR[:REF] --venv DIR -o LAYOUT --user NAME --uid N --gid N",
		Short: "Assemble an OCI image from a base, a venv and a config (stage 5, explicit paths)",
		Long: `Assemble an OCI image layout from a base image, the output of citadel venv and the image config,
with explicit paths only, as a Bazel action runs it.

The base is an OCI layout (oci:DIR, or oci:DIR:REF for a tagged manifest, as in skopeo) or an
OCI archive (oci-archive:FILE[:REF]); from a multi-platform index the --platform manifest is
taken. Before anything is added, the base must have the interpreter the venv links to at the
venv's Python version (a py3.10 venv on a py3.11 base is refused). Added on top: one small layer
with the service user and group in /etc/passwd, /etc/group and /etc/shadow (written
deterministically, not by useradd) and its home directory, then the venv layers as they are.
The config sets the user (uid:gid), PATH with the venv's bin first, entrypoint, cmd and labels
(also manifest annotations); created and history times come from SOURCE_DATE_EPOCH. The same
inputs always give the same manifest digest, which is printed.

With --image-label, --release, --lock and --report (the release's constraints report) the image
gets the labels citadel build gives it, so the two executors produce the same digest; the lock
must have been resolved against that report's patched constraints (a stale lock is refused).
--module MODULE.bazel and --base-repo NAME name the base's oci.pull, for base.name.`,
		Example: `  citadel image --base oci:out/bookworm:bookworm --venv out/venv -o out/horizon \
    --user horizon --uid 42424 --gid 42424 --tag horizon:2024.1 --label org.opencontainers.image.version=24.0.2`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if base == "" || venvDir == "" || out == "" || cfg.User == "" {
				return &UsageError{fmt.Errorf("--base, --venv, -o and --user are required")}
			}
			if err := checkLabelFlags(li, lockFile, reportFile, module, baseRepo); err != nil {
				return err
			}
			goos, arch, ok := strings.Cut(platform, "/")
			if !ok {
				return &UsageError{fmt.Errorf("--platform %q: want OS/ARCH, e.g. linux/amd64", platform)}
			}
			cfg.Labels = map[string]string{}
			for _, l := range labels {
				k, v, ok := strings.Cut(l, "=")
				if !ok || k == "" {
					return &UsageError{fmt.Errorf("--label %q: want KEY=VALUE", l)}
				}
				cfg.Labels[k] = v
			}
			epoch, err := sourceDateEpoch()
			if err != nil {
				return err
			}
			cfg.Epoch = epoch
			img, baseDigest, err := image.LoadBase(cmd.Context(), base, v1.Platform{OS: goos, Architecture: arch})
			if err != nil {
				return err
			}
			declared := cfg.Labels
			if cfg.Labels, err = buildLabels(cmd, li, lockFile, reportFile, module, baseRepo, base, baseDigest); err != nil {
				return err
			}
			maps.Copy(cfg.Labels, declared)
			assembled, err := image.Assemble(cmd.Context(), img, venvDir, cfg)
			if err != nil {
				return err
			}
			digest, err := image.WriteLayout(assembled, out, tag)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), digest.String())
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&base, "base", "", "base image: oci:DIR[:REF] or oci-archive:FILE[:REF]")
	f.StringVar(&platform, "platform", "linux/amd64", "platform to take from a multi-platform base")
	f.StringVar(&venvDir, "venv", "", "output directory of citadel venv")
	f.StringVarP(&out, "output", "o", "", "OCI image layout directory to write")
	f.StringVar(&tag, "tag", "", "reference name of the image in the layout (org.opencontainers.image.ref.name)")
	f.StringVar(&cfg.User, "user", "", "service user name")
	f.StringVar(&cfg.Group, "group", "", "service group name (default: the user name)")
	f.IntVar(&cfg.UID, "uid", 42424, "service uid")
	f.IntVar(&cfg.GID, "gid", 42424, "service gid")
	f.StringArrayVar(&cfg.Entrypoint, "entrypoint", nil, "entrypoint, one argument per flag")
	f.StringArrayVar(&cfg.Cmd, "cmd", nil, "command, one argument per flag")
	f.StringArrayVar(&cfg.Env, "env", nil, "KEY=VALUE added after PATH (repeatable)")
	f.StringArrayVar(&labels, "label", nil, "KEY=VALUE label and annotation (repeatable; over the computed ones)")
	f.StringVar(&li.Image, "image-label", "", "the image's label, e.g. //images/horizon:2024.1 (with --release, --lock, --report)")
	f.StringVar(&li.Release, "release", "", "the OpenStack release, e.g. 2024.1")
	f.StringVar(&lockFile, "lock", "", "the lock the venv was installed from")
	f.StringVar(&reportFile, "report", "", "the release's constraints report (citadel constraints patch --report)")
	f.StringVar(&module, "module", "", "MODULE.bazel declaring the base's oci.pull (with --base-repo)")
	f.StringVar(&baseRepo, "base-repo", "", "the name of the base's oci.pull, e.g. debian_bookworm")
	f.StringVar(&li.Source, "source", "", "org.opencontainers.image.source label")
	f.StringVar(&li.Revision, "revision", "", "org.opencontainers.image.revision label")
	return cmd
}

// checkLabelFlags checks that the flags naming the declaration's parts come together.
func checkLabelFlags(li pipeline.LabelInput, lockFile, reportFile, module, baseRepo string) error {
	given := 0
	for _, s := range []string{li.Image, li.Release, lockFile, reportFile} {
		if s != "" {
			given++
		}
	}
	switch {
	case given != 0 && given != 4:
		return &UsageError{errors.New("--image-label, --release, --lock and --report go together")}
	case (module == "") != (baseRepo == ""):
		return &UsageError{errors.New("--module and --base-repo go together")}
	}
	return nil
}

// buildLabels are the labels citadel build sets, from the declaration's parts given as flags;
// without them, only the base digest.
func buildLabels(cmd *cobra.Command, li pipeline.LabelInput, lockFile, reportFile, module, baseRepo, baseRef, baseDigest string) (map[string]string, error) {
	if lockFile == "" {
		return map[string]string{"org.opencontainers.image.base.digest": baseDigest}, nil
	}
	data, err := os.ReadFile(lockFile)
	if err != nil {
		return nil, err
	}
	l, err := lock.Unmarshal(lockFile, data)
	if err != nil {
		return nil, err
	}
	reportData, err := os.ReadFile(reportFile)
	if err != nil {
		return nil, err
	}
	var report constraints.Report
	if err := jsonfile.Unmarshal(reportFile, reportData, &report); err != nil {
		return nil, fmt.Errorf("constraints report %w", err)
	}
	if err := pipeline.CheckLockAgainstReport(lockFile, l, report); err != nil {
		return nil, err
	}
	var declared *decl.Base
	if module != "" {
		ws, err := workspace.Open(filepath.Dir(module))
		if err != nil {
			return nil, err
		}
		if declared, err = decl.OCIPull(cmd.Context(), ws, baseRepo); err != nil {
			return nil, err
		}
	}
	sum := sha256.Sum256(data)
	li.Report, li.Lock, li.LockSHA256 = report, l, hex.EncodeToString(sum[:])
	li.BaseName, li.BaseDigest = pipeline.BaseNameOf(baseRef, baseDigest, declared), baseDigest
	return pipeline.ImageLabels(li)
}
