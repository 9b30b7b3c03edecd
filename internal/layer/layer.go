// Package layer writes deterministic OCI layer tarballs: sorted entries, explicit parent
// directories, fixed timestamps, uid/gid 0, normalised modes, no extended attributes, and gzip
// with a pinned implementation and level, so the same files always give the same digest.
package layer

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"
)

// MediaType is the OCI media type of the layers written here.
const MediaType = "application/vnd.oci.image.layer.v1.tar+gzip"

// Level is the gzip level; part of the output's identity, so it is fixed.
const Level = 6

// File is one entry of a layer. Paths are absolute and clean ("/var/lib/openstack/bin/x").
type File struct {
	Path    string
	Mode    int64 // permission bits; normalised to 0644/0755 (0755 when any x bit is set)
	Dir     bool
	Symlink string // target, for a symbolic link
	Size    int64
	Open    func() (io.ReadCloser, error) // content of a regular file
}

// Descriptor identifies a written layer.
type Descriptor struct {
	Digest string `json:"digest"`  // sha256 of the gzip stream
	DiffID string `json:"diff_id"` // sha256 of the uncompressed tar
	Size   int64  `json:"size"`    // bytes of the gzip stream
}

// Write streams files as a gzip-compressed tar to w. Parent directories of every entry are
// added (0755) unless given, entries are sorted by path, and every timestamp is epoch.
func Write(w io.Writer, files []File, epoch int64) (Descriptor, error) {
	entries, err := withParents(files)
	if err != nil {
		return Descriptor{}, err
	}
	gzDigest := sha256.New()
	counter := &countWriter{w: io.MultiWriter(w, gzDigest)}
	gz, err := gzip.NewWriterLevel(counter, Level)
	if err != nil {
		return Descriptor{}, err
	}
	tarDigest := sha256.New()
	tw := tar.NewWriter(io.MultiWriter(gz, tarDigest))
	mtime := time.Unix(epoch, 0).UTC()
	for _, f := range entries {
		if err := writeEntry(tw, f, mtime); err != nil {
			return Descriptor{}, fmt.Errorf("layer entry %s: %w", f.Path, err)
		}
	}
	if err := tw.Close(); err != nil {
		return Descriptor{}, err
	}
	if err := gz.Close(); err != nil {
		return Descriptor{}, err
	}
	return Descriptor{Digest: digest(gzDigest), DiffID: digest(tarDigest), Size: counter.n}, nil
}

func digest(h hash.Hash) string { return "sha256:" + hex.EncodeToString(h.Sum(nil)) }

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// withParents sorts the entries, adds missing parent directories and rejects duplicates and
// paths that are not absolute and clean.
func withParents(files []File) ([]File, error) {
	byPath := map[string]File{}
	for _, f := range files {
		if !path.IsAbs(f.Path) || path.Clean(f.Path) != f.Path || f.Path == "/" {
			return nil, fmt.Errorf("layer entry %q: want an absolute, clean path", f.Path)
		}
		if prev, dup := byPath[f.Path]; dup && !(prev.Dir && f.Dir) {
			return nil, fmt.Errorf("layer entry %s: given twice", f.Path)
		}
		byPath[f.Path] = f
	}
	for _, f := range files {
		for d := path.Dir(f.Path); d != "/"; d = path.Dir(d) {
			if p, ok := byPath[d]; ok {
				if !p.Dir {
					return nil, fmt.Errorf("layer entry %s: parent %s is not a directory", f.Path, d)
				}
				continue
			}
			byPath[d] = File{Path: d, Dir: true, Mode: 0o755}
		}
	}
	out := make([]File, 0, len(byPath))
	for _, f := range byPath {
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}

func writeEntry(tw *tar.Writer, f File, mtime time.Time) error {
	hdr := &tar.Header{
		Name:    strings.TrimPrefix(f.Path, "/"),
		ModTime: mtime,
		Mode:    normMode(f.Mode),
		Format:  tar.FormatPAX,
	}
	switch {
	case f.Dir:
		hdr.Typeflag, hdr.Name, hdr.Mode = tar.TypeDir, hdr.Name+"/", 0o755
		return tw.WriteHeader(hdr)
	case f.Symlink != "":
		hdr.Typeflag, hdr.Linkname, hdr.Mode = tar.TypeSymlink, f.Symlink, 0o777
		return tw.WriteHeader(hdr)
	}
	hdr.Typeflag, hdr.Size = tar.TypeReg, f.Size
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	n, err := io.CopyN(tw, rc, f.Size)
	if err == io.EOF {
		return fmt.Errorf("content is %d bytes, declared %d", n, f.Size)
	}
	if err != nil {
		return err
	}
	if extra, _ := io.Copy(io.Discard, io.LimitReader(rc, 1)); extra > 0 {
		return fmt.Errorf("content is longer than the %d bytes declared", f.Size)
	}
	return nil
}

func normMode(m int64) int64 {
	if m&0o111 != 0 {
		return 0o755
	}
	return 0o644
}
