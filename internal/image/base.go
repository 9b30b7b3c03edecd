package image

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
)

// refName is the annotation naming an image in an OCI layout (skopeo's oci:DIR:REF).
const refName = "org.opencontainers.image.ref.name"

// node is an image index of an OCI layout: index.json or an index it names.
type node interface {
	IndexManifest() (*v1.IndexManifest, error)
	child(h v1.Hash) (node, error)
	image(h v1.Hash) (v1.Image, error)
}

// LoadBase opens the base image ref names: "oci:DIR" or "oci:DIR:REF" (an OCI image layout
// directory, REF matching an image's org.opencontainers.image.ref.name) or "oci-archive:FILE"
// (the same, as a tar file; "oci-archive:FILE:REF" too), the syntax of skopeo, or
// "REGISTRY/REPO@sha256:…" (also with skopeo's "docker://"), pulled with the Docker credential
// chain; a registry reference without a digest is refused. An image index is resolved to the
// image for platform. It returns the image and its manifest digest, after checking that the
// manifest and config match their digests and that the config's platform is platform.
func LoadBase(ctx context.Context, ref string, platform v1.Platform) (v1.Image, string, error) {
	transport, rest, _ := strings.Cut(ref, ":")
	if transport != "oci" && transport != "oci-archive" {
		img, digest, err := loadRegistry(ctx, ref, platform)
		if err != nil {
			return nil, "", fmt.Errorf("base %s: %w", ref, err)
		}
		return img, digest.String(), nil
	}
	// Like skopeo, a path cannot contain ':'; what follows the first one is the reference.
	file, name, _ := strings.Cut(rest, ":")
	var src node
	var where string
	switch {
	case file == "":
		return nil, "", fmt.Errorf("base %q: want oci:DIR[:REF], oci-archive:FILE[:REF] or REGISTRY/REPO@sha256:…", ref)
	case transport == "oci":
		p, err := layout.FromPath(file)
		if err != nil {
			return nil, "", fmt.Errorf("base %q: %w", ref, err)
		}
		ii, err := p.ImageIndex()
		if err != nil {
			return nil, "", fmt.Errorf("base %q: %w", ref, err)
		}
		src, where = dirNode{ii}, "OCI layout "+file
	case transport == "oci-archive":
		a, err := openArchive(file)
		if err != nil {
			return nil, "", fmt.Errorf("base %q: %w", ref, err)
		}
		if src, err = a.root(); err != nil {
			return nil, "", fmt.Errorf("base %q: %w", ref, err)
		}
		where = "OCI archive " + file

	}
	img, digest, err := pick(src, where, name, platform)
	if err != nil {
		return nil, "", fmt.Errorf("base %q: %w", ref, err)
	}
	return img, digest.String(), nil
}

// pick finds the image: the index.json entry named name (or the only entry, or the only one for
// platform), through nested indexes by platform, and checks it.
func pick(root node, where, name string, platform v1.Platform) (v1.Image, v1.Hash, error) {
	idx, err := root.IndexManifest()
	if err != nil {
		return nil, v1.Hash{}, fmt.Errorf("%s: %w", where, err)
	}
	var cands []v1.Descriptor
	var names []string
	for _, d := range idx.Manifests {
		n := d.Annotations[refName]
		names = append(names, fmt.Sprintf("%q", n))
		if name == "" || n == name {
			cands = append(cands, d)
		}
	}
	if len(cands) == 0 {
		return nil, v1.Hash{}, fmt.Errorf("%s has no image named %q (names: %s)", where, name, strings.Join(names, ", "))
	}
	if len(cands) > 1 {
		cands = forPlatform(cands, platform)
		if len(cands) != 1 {
			return nil, v1.Hash{}, fmt.Errorf("%s has %d images for %s among %s; name one with :REF", where, len(cands), platform, strings.Join(names, ", "))
		}
	}
	d, n := cands[0], root
	for depth := 0; d.MediaType.IsIndex(); depth++ {
		if depth > 4 {
			return nil, v1.Hash{}, fmt.Errorf("%s: image indexes nested too deep", where)
		}
		if n, err = n.child(d.Digest); err != nil {
			return nil, v1.Hash{}, fmt.Errorf("%s: index %s: %w", where, d.Digest, err)
		}
		child, err := n.IndexManifest()
		if err != nil {
			return nil, v1.Hash{}, fmt.Errorf("%s: index %s: %w", where, d.Digest, err)
		}
		c := forPlatform(child.Manifests, platform)
		if len(c) != 1 {
			var have []string
			for _, m := range child.Manifests {
				if m.Platform != nil {
					have = append(have, m.Platform.String())
				}
			}
			return nil, v1.Hash{}, fmt.Errorf("%s: index %s has %d images for %s (platforms: %s)", where, d.Digest, len(c), platform, strings.Join(have, ", "))
		}
		d = c[0]
	}
	if !d.MediaType.IsImage() {
		return nil, v1.Hash{}, fmt.Errorf("%s: %s has media type %q, not an image manifest", where, d.Digest, d.MediaType)
	}
	img, err := n.image(d.Digest)
	if err != nil {
		return nil, v1.Hash{}, fmt.Errorf("%s: image %s: %w", where, d.Digest, err)
	}
	if err := checkImage(img, d, platform); err != nil {
		return nil, v1.Hash{}, fmt.Errorf("%s: image %s: %w", where, d.Digest, err)
	}
	return img, d.Digest, nil
}

// forPlatform keeps the descriptors for platform; a descriptor without one is kept.
func forPlatform(ds []v1.Descriptor, platform v1.Platform) []v1.Descriptor {
	var out []v1.Descriptor
	for _, d := range ds {
		if d.Platform == nil || d.Platform.Satisfies(platform) {
			out = append(out, d)
		}
	}
	return out
}

// checkImage checks the manifest and config against their digests, and the config's platform.
func checkImage(img v1.Image, d v1.Descriptor, platform v1.Platform) error {
	raw, err := img.RawManifest()
	if err != nil {
		return err
	}
	if got, _, _ := v1.SHA256(bytes.NewReader(raw)); got != d.Digest {
		return fmt.Errorf("manifest has digest %s, want %s", got, d.Digest)
	}
	m, err := img.Manifest()
	if err != nil {
		return err
	}
	rawConfig, err := img.RawConfigFile()
	if err != nil {
		return err
	}
	if got, _, _ := v1.SHA256(bytes.NewReader(rawConfig)); got != m.Config.Digest {
		return fmt.Errorf("config has digest %s, want %s", got, m.Config.Digest)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return err
	}
	if got := cf.Platform(); got == nil || !got.Satisfies(platform) {
		return fmt.Errorf("image is for %s, want %s", got, platform)
	}
	return nil
}

// dirNode is an index of an OCI layout directory, read with go-containerregistry.
type dirNode struct{ v1.ImageIndex }

func (n dirNode) child(h v1.Hash) (node, error) {
	ii, err := n.ImageIndex.ImageIndex(h)
	if err != nil {
		return nil, err
	}
	return dirNode{ii}, nil
}

func (n dirNode) image(h v1.Hash) (v1.Image, error) { return n.Image(h) }
