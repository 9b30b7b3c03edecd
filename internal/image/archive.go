package image

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// archive is an OCI layout in an uncompressed tar file (skopeo's oci-archive). It is indexed
// once; blobs are then read in place, each read opening the file, so nothing is unpacked and
// no file stays open.
type archive struct {
	file  string
	files map[string]section // by clean path in the archive
}

type section struct{ offset, size int64 }

func openArchive(file string) (*archive, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	a := &archive{file: file, files: map[string]section{}}
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("OCI archive %s: %w", file, err)
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		// archive/tar reads whole header blocks and nothing ahead, so the file's offset now is
		// where this entry's content starts.
		off, err := f.Seek(0, io.SeekCurrent)
		if err != nil {
			return nil, err
		}
		a.files[path.Clean(strings.TrimPrefix(hdr.Name, "./"))] = section{off, hdr.Size}
	}
	if _, ok := a.files["index.json"]; !ok {
		return nil, fmt.Errorf("OCI archive %s has no index.json", file)
	}
	return a, nil
}

func (a *archive) String() string { return "OCI archive " + a.file }

// open returns a reader of one file of the archive.
func (a *archive) open(name string) (io.ReadCloser, int64, error) {
	s, ok := a.files[name]
	if !ok {
		return nil, 0, fmt.Errorf("%s has no %s", a, name)
	}
	f, err := os.Open(a.file)
	if err != nil {
		return nil, 0, err
	}
	return struct {
		io.Reader
		io.Closer
	}{io.NewSectionReader(f, s.offset, s.size), f}, s.size, nil
}

func (a *archive) read(name string) ([]byte, error) {
	rc, _, err := a.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func blobName(h v1.Hash) string { return path.Join("blobs", h.Algorithm, h.Hex) }

// archiveNode is an index of an archive.
type archiveNode struct {
	a *archive
	m *v1.IndexManifest
}

func (n archiveNode) IndexManifest() (*v1.IndexManifest, error) { return n.m, nil }

func (a *archive) root() (node, error) {
	data, err := a.read("index.json")
	if err != nil {
		return nil, err
	}
	m, err := v1.ParseIndexManifest(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: index.json: %w", a, err)
	}
	return archiveNode{a, m}, nil
}

func (n archiveNode) child(h v1.Hash) (node, error) {
	data, err := n.a.read(blobName(h))
	if err != nil {
		return nil, err
	}
	if got, _, _ := v1.SHA256(bytes.NewReader(data)); got != h {
		return nil, fmt.Errorf("index has digest %s, want %s", got, h)
	}
	m, err := v1.ParseIndexManifest(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return archiveNode{n.a, m}, nil
}

func (n archiveNode) image(h v1.Hash) (v1.Image, error) {
	raw, err := n.a.read(blobName(h))
	if err != nil {
		return nil, err
	}
	m, err := v1.ParseManifest(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	return partial.CompressedToImage(&archiveImage{a: n.a, raw: raw, m: m})
}

// archiveImage is one image of an archive, completed by go-containerregistry's partial.
type archiveImage struct {
	a   *archive
	raw []byte
	m   *v1.Manifest
}

func (i *archiveImage) RawManifest() ([]byte, error) { return i.raw, nil }

func (i *archiveImage) MediaType() (types.MediaType, error) {
	if i.m.MediaType != "" {
		return i.m.MediaType, nil
	}
	return types.OCIManifestSchema1, nil
}

func (i *archiveImage) RawConfigFile() ([]byte, error) { return i.a.read(blobName(i.m.Config.Digest)) }

func (i *archiveImage) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	for _, d := range i.m.Layers {
		if d.Digest == h {
			return &archiveLayer{a: i.a, d: d}, nil
		}
	}
	return nil, fmt.Errorf("%s: manifest has no layer %s", i.a, h)
}

type archiveLayer struct {
	a *archive
	d v1.Descriptor
}

func (l *archiveLayer) Digest() (v1.Hash, error)            { return l.d.Digest, nil }
func (l *archiveLayer) Size() (int64, error)                { return l.d.Size, nil }
func (l *archiveLayer) MediaType() (types.MediaType, error) { return l.d.MediaType, nil }
func (l *archiveLayer) Compressed() (io.ReadCloser, error) {
	rc, _, err := l.a.open(blobName(l.d.Digest))
	return rc, err
}
