package cli

import (
	"errors"
	"fmt"
	"runtime"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/spf13/cobra"

	"github.com/citadel-build/citadel/internal/atomicfile"
	"github.com/citadel-build/citadel/internal/decl"
	"github.com/citadel-build/citadel/internal/pipeline"
	"github.com/citadel-build/citadel/internal/sbom"
)

// subjectFlags say which built image a command describes: a label (built first, with the build
// flags) or --image, with the lock it was built from.
type subjectFlags struct {
	b        buildFlags
	image    string
	lockFile string
	platform string
}

func (s *subjectFlags) register(cmd *cobra.Command) {
	s.b.register(cmd, "layout")
	fl := cmd.Flags()
	fl.StringVar(&s.image, "image", "", "a built image: an OCI layout directory, oci:DIR[:REF], oci-archive:FILE[:REF] or REGISTRY/REPO@sha256:…")
	fl.StringVar(&s.lockFile, "lock", "", "the lock the --image was built from (default: the lock its dev.citadel.image label declares)")
	fl.StringVar(&s.platform, "platform", "linux/"+runtime.GOARCH, "the image's platform, in a multi-platform --image")
}

// document describes the image: the label's, after building it like citadel build, or --image's.
func (s *subjectFlags) document(cmd *cobra.Command, g *globals, args []string) (*sbom.Document, *decl.Image, error) {
	in := pipeline.ImageSBOMInput{Image: s.image, LockFile: s.lockFile}
	var err error
	osArch := strings.SplitN(s.platform, "/", 3)
	if len(osArch) < 2 {
		return nil, nil, &UsageError{fmt.Errorf("--platform %q: want OS/ARCH[/VARIANT]", s.platform)}
	}
	in.Platform = v1.Platform{OS: osArch[0], Architecture: osArch[1]}
	if len(osArch) == 3 {
		in.Platform.Variant = osArch[2]
	}
	switch {
	case len(args) == 1 && s.image != "":
		return nil, nil, &UsageError{errors.New("give an image label or --image, not both")}
	case len(args) == 1:
		s.b.in.SkipGate = true
		res, _, err := s.b.build(cmd, g, args[0])
		if err != nil {
			return nil, nil, err
		}
		in.Image = "oci:" + res.Layout + ":" + res.Tag
	case s.image == "":
		return nil, nil, &UsageError{errors.New("give an image label (//images/SERVICE:RELEASE) or --image")}
	}
	if in.LockFile == "" {
		if in.Workspace, err = g.openWorkspace(); err != nil {
			return nil, nil, err
		}
	}
	return pipeline.ImageSBOM(cmd.Context(), in)
}

func newSBOMCmd(g *globals) *cobra.Command {
	var (
		subj   subjectFlags
		format string
		output string
	)
	cmd := &cobra.Command{
		Use:   "sbom (//images/SERVICE:RELEASE | --image REF) --format spdx-json|cyclonedx-json [-o FILE]",
		Short: "Write an image's SBOM, SPDX 2.3 or CycloneDX 1.6 JSON (stage 6)",
		Long: `Write the software bill of materials of a built image, from what is known rather than guessed:

  - every Python package of the lock the image was built from (name, version, purl pkg:pypi/…,
    wheel sha256, declared license, dependency edges, root packages marked), after checking
    that the lock's sha256 is the image's dev.citadel.lock.sha256 label and that the venv's
    *.dist-info directories hold exactly the locked versions;
  - every Debian package of the image's /var/lib/dpkg/status (purl pkg:deb/debian/NAME@VERSION
    with arch, distro and the source package as upstream=), the distribution from its
    os-release;
  - the image digest, its base's name and digest, and the constraints overrides applied with
    the advisories they fix (SPDX annotations; CycloneDX vulnerabilities marked resolved).

With a label the image is first built exactly as citadel build does (same flags; --layout
instead of -o for the layout). --image describes an image built before; its lock comes from
the workspace's declaration of the image its dev.citadel.image label names, or --lock FILE (the
hermetic form, as a Bazel action runs it). Document ids derive from the image digest and the
creation time is the image's: the same image always gives the same bytes.`,
		Example: `  citadel sbom //images/horizon:2024.1 --format spdx-json -o horizon.spdx.json --base oci:out/bookworm:bookworm
  citadel sbom --image out/images/horizon/2024.1 --format cyclonedx-json -o horizon.cdx.json
  citadel sbom --image oci-archive:horizon.tar --lock images/horizon/2024.1.lock.json --format spdx-json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			write, ok := map[string]func(*sbom.Document) ([]byte, error){"spdx-json": sbom.SPDX, "cyclonedx-json": sbom.CycloneDX}[format]
			if !ok {
				return &UsageError{fmt.Errorf("--format %q: want spdx-json or cyclonedx-json", format)}
			}
			doc, _, err := subj.document(cmd, g, args)
			if err != nil {
				return err
			}
			data, err := write(doc)
			if err != nil {
				return err
			}
			return writeOrPrint(cmd, output, data)
		},
	}
	subj.register(cmd)
	cmd.Flags().StringVar(&format, "format", "", "spdx-json (SPDX 2.3) or cyclonedx-json (CycloneDX 1.6)")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to FILE (atomically) instead of standard output")
	return cmd
}

// writeOrPrint writes data to output, atomically, or to standard output.
func writeOrPrint(cmd *cobra.Command, output string, data []byte) error {
	if output == "" {
		_, err := cmd.OutOrStdout().Write(data)
		return err
	}
	return atomicfile.WriteFile(output, data, 0o644)
}
