package pipeline

import (
	"context"
	"fmt"
	"os"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/citadel-build/citadel/internal/decl"
	"github.com/citadel-build/citadel/internal/image"
	"github.com/citadel-build/citadel/internal/lock"
	"github.com/citadel-build/citadel/internal/sbom"
	"github.com/citadel-build/citadel/internal/workspace"
)

// Version is citadel's version, recorded as the tool in SBOMs and reports.
const Version = "0.1.0"

// Tool names citadel in documents it writes.
const Tool = "citadel-" + Version

// ImageSBOMInput names a built image and, optionally, the lock it was built from.
type ImageSBOMInput struct {
	// Workspace finds the lock when LockFile is empty: the image's dev.citadel.image label names
	// its declaration. May be nil with a LockFile.
	Workspace *workspace.Workspace
	// Image is the image: oci:DIR[:REF], oci-archive:FILE[:REF], REGISTRY/REPO@sha256:…, or a
	// layout directory.
	Image    string
	Platform v1.Platform
	LockFile string // the lock, as an explicit path (the hermetic form)
}

// ImageSBOM describes a built image: its Python packages from the lock it was built from
// (checked against the image's lock label and the venv's dist-info), its Debian packages from
// its dpkg status. It also returns the image's declaration when the workspace gave the lock.
func ImageSBOM(ctx context.Context, in ImageSBOMInput) (*sbom.Document, *decl.Image, error) {
	ref := in.Image
	if fi, err := os.Stat(ref); err == nil && fi.IsDir() {
		ref = "oci:" + ref
	}
	img, _, err := image.LoadBase(ctx, ref, in.Platform)
	if err != nil {
		return nil, nil, fmt.Errorf("sbom: %w", err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, nil, fmt.Errorf("sbom: %s: %w", in.Image, err)
	}
	lockPath, lockName := in.LockFile, in.LockFile
	var declared *decl.Image
	if lockPath == "" {
		label := cf.Config.Labels[LabelImage]
		if label == "" || in.Workspace == nil {
			return nil, nil, fmt.Errorf("sbom: %s has no %s label naming its declaration; give the lock it was built from with --lock", in.Image, LabelImage)
		}
		l, err := workspace.ParseLabel(label, "")
		if err != nil {
			return nil, nil, fmt.Errorf("sbom: %s: label %s: %w", in.Image, LabelImage, err)
		}
		if declared, err = decl.LoadImage(ctx, in.Workspace, l); err != nil {
			return nil, nil, err
		}
		lockPath, lockName = in.Workspace.Path(declared.LockFile), declared.LockFile
	}
	data, err := os.ReadFile(lockPath)
	if err != nil {
		return nil, nil, fmt.Errorf("sbom: %w", err)
	}
	l, err := lock.Unmarshal(lockName, data)
	if err != nil {
		return nil, nil, err
	}
	doc, err := sbom.FromImage(ctx, sbom.ImageInput{
		Image: img, Lock: l, LockSHA256: sha256Hex(data), Prefix: defaultVenvPrefix, Tool: Tool,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("%w (lock %s)", err, lockName)
	}
	if doc.Image.Name == "" {
		doc.Image.Name = strings.TrimPrefix(declaredName(declared), "images/")
	}
	return doc, declared, nil
}

func declaredName(d *decl.Image) string {
	if d == nil {
		return ""
	}
	return d.Label.Pkg
}
