package rootfs

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
)

type descriptor struct {
	MediaType string `json:"mediaType"`
	Digest    string `json:"digest"`
	Size      int64  `json:"size"`
}

var sha256Digest = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// ErrBlobMismatch is returned when a blob's size or sha256 differs from its descriptor.
var ErrBlobMismatch = errors.New("blob does not match its descriptor")

func isManifest(mediaType string) bool {
	switch mediaType {
	case "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json":
		return true
	}
	return false
}

// isTarLayer reports whether Unpack can apply layers of the media type.
func isTarLayer(mediaType string) bool {
	switch mediaType {
	case "application/vnd.oci.image.layer.v1.tar", "application/vnd.oci.image.layer.v1.tar+gzip",
		"application/vnd.docker.image.rootfs.diff.tar.gzip":
		return true
	}
	return false
}

// LayoutLayers returns the blob paths of the layers, in order, of the one image in an OCI image
// layout (index.json naming a single manifest). Every blob on the way is checked against its
// descriptor's size and sha256.
func LayoutLayers(layoutDir string) ([]string, error) {
	data, err := os.ReadFile(filepath.Join(layoutDir, "index.json"))
	if err != nil {
		return nil, fmt.Errorf("read OCI layout %s: %w", layoutDir, err)
	}
	var index struct {
		Manifests []descriptor `json:"manifests"`
	}
	if err := json.Unmarshal(data, &index); err != nil {
		return nil, fmt.Errorf("parse %s/index.json: %w", layoutDir, err)
	}
	if len(index.Manifests) != 1 || !isManifest(index.Manifests[0].MediaType) {
		return nil, fmt.Errorf("OCI layout %s: index.json must name exactly one image manifest, it has %d entries", layoutDir, len(index.Manifests))
	}
	manifestPath, err := verifiedBlob(layoutDir, index.Manifests[0])
	if err != nil {
		return nil, err
	}
	var manifest struct {
		Layers []descriptor `json:"layers"`
	}
	if data, err = os.ReadFile(manifestPath); err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	if err := json.Unmarshal(data, &manifest); err != nil {
		return nil, fmt.Errorf("parse manifest %s: %w", manifestPath, err)
	}
	layers := make([]string, 0, len(manifest.Layers))
	for _, l := range manifest.Layers {
		if !isTarLayer(l.MediaType) {
			return nil, fmt.Errorf("OCI layout %s: layer %s has unsupported media type %q", layoutDir, l.Digest, l.MediaType)
		}
		p, err := verifiedBlob(layoutDir, l)
		if err != nil {
			return nil, err
		}
		layers = append(layers, p)
	}
	return layers, nil
}

// verifiedBlob returns the path of a descriptor's blob after checking its size and sha256.
func verifiedBlob(layoutDir string, d descriptor) (string, error) {
	if !sha256Digest.MatchString(d.Digest) {
		return "", fmt.Errorf("OCI layout %s: unsupported digest %q", layoutDir, d.Digest)
	}
	p := filepath.Join(layoutDir, "blobs", "sha256", d.Digest[len("sha256:"):])
	f, err := os.Open(p)
	if err != nil {
		return "", fmt.Errorf("OCI layout %s: %w", layoutDir, err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", fmt.Errorf("read blob %s: %w", p, err)
	}
	if got := "sha256:" + hex.EncodeToString(h.Sum(nil)); n != d.Size || got != d.Digest {
		return "", fmt.Errorf("blob %s (%d bytes, %s, descriptor says %d bytes): %w", p, n, got, d.Size, ErrBlobMismatch)
	}
	return p, nil
}
