package cli

import (
	"fmt"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/spf13/cobra"

	"github.com/citadel-build/citadel/internal/image"
)

func newImageCmd() *cobra.Command {
	var (
		base, venvDir, out, tag, platform string
		cfg                               image.Config
		labels                            []string
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
inputs always give the same manifest digest, which is printed.`,
		Example: `  citadel image --base oci:out/bookworm:bookworm --venv out/venv -o out/horizon \
    --user horizon --uid 42424 --gid 42424 --tag horizon:2024.1 --label org.opencontainers.image.version=24.0.2`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if base == "" || venvDir == "" || out == "" || cfg.User == "" {
				return &UsageError{fmt.Errorf("--base, --venv, -o and --user are required")}
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
			if _, set := cfg.Labels["org.opencontainers.image.base.digest"]; !set {
				cfg.Labels["org.opencontainers.image.base.digest"] = baseDigest
			}
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
	f.StringArrayVar(&labels, "label", nil, "KEY=VALUE label and annotation (repeatable)")
	return cmd
}
