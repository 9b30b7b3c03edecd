package image

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/citadel-build/citadel/internal/venv"
)

// venvAddenda returns the venv's layers in the manifest's order, each the blob `citadel venv`
// wrote (so its digest is the one the manifest names), after checking its digest, size and diff
// ID, with a history entry naming what it holds.
func venvAddenda(dir string, m *venv.Manifest, created v1.Time) ([]mutate.Addendum, error) {
	var out []mutate.Addendum
	for i, l := range m.Layers {
		what := fmt.Sprintf("venv layer %d (%s) of %s", i, l.File, dir)
		if l.File == "" || l.File != filepath.Base(l.File) || strings.HasPrefix(l.File, ".") {
			return nil, fmt.Errorf("%s: file name must be a plain name in the directory", what)
		}
		digest, err := v1.NewHash(l.Digest)
		if err != nil {
			return nil, fmt.Errorf("%s: digest: %w", what, err)
		}
		diffID, err := v1.NewHash(l.DiffID)
		if err != nil {
			return nil, fmt.Errorf("%s: diff ID: %w", what, err)
		}
		file := filepath.Join(dir, l.File)
		f, err := os.Open(file)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		err = readLayer(f, digest, diffID, l.Size, what, func(io.Reader) error { return nil })
		f.Close()
		if err != nil {
			return nil, err
		}
		mt := types.MediaType(l.MediaType)
		if mt == "" {
			mt = types.OCILayer
		}
		bl := &blobLayer{digest: digest, diffID: diffID, size: l.Size, mediaType: mt, what: what,
			open: func() (io.ReadCloser, error) { return os.Open(file) }}
		lay, err := bl.layer()
		if err != nil {
			return nil, err
		}
		out = append(out, mutate.Addendum{
			Layer:     lay,
			MediaType: mt,
			History:   v1.History{Created: created, CreatedBy: "citadel venv: " + describe(m, l)},
		})
	}
	return out, nil
}

// describe says what a venv layer holds, for its history entry.
func describe(m *venv.Manifest, l venv.Layer) string {
	switch {
	case l.Role == "skeleton":
		return fmt.Sprintf("skeleton %s (python %s)", m.Prefix, m.PythonVersion)
	case len(l.Packages) == 0:
		return l.Role
	case l.Role == "package":
		return strings.Join(l.Packages, " ")
	}
	return l.Role + ": " + strings.Join(l.Packages, " ")
}

// userLayer wraps the user layer's bytes.
func userLayer(data []byte) (v1.Layer, error) {
	digest, size, err := v1.SHA256(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	tr, err := decompress(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	if _, err := io.Copy(h, tr); err != nil {
		return nil, err
	}
	bl := &blobLayer{digest: digest, diffID: sha256Hash(h), size: size, mediaType: types.OCILayer, what: "user layer",
		open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
	return bl.layer()
}
