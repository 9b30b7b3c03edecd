package image

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/citadel-build/citadel/internal/atomicfile"
)

// WriteLayout writes img as a fresh OCI image layout at dir, named tag by the
// org.opencontainers.image.ref.name annotation (none if tag is empty), and returns the image's
// manifest digest. The layout is written to a temporary directory beside dir, synced and then
// renamed into place, so dir never holds a partial layout; an existing dir is replaced only if
// it is an OCI layout or empty.
func WriteLayout(img v1.Image, dir string, tag string) (v1.Hash, error) {
	dir = filepath.Clean(dir)
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return v1.Hash{}, fmt.Errorf("write OCI layout %s: %w", dir, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return v1.Hash{}, fmt.Errorf("write OCI layout %s: %w", dir, err)
	}
	defer os.RemoveAll(tmp)
	p, err := layout.Write(tmp, empty.Index)
	if err != nil {
		return v1.Hash{}, fmt.Errorf("write OCI layout %s: %w", dir, err)
	}
	var opts []layout.Option
	if tag != "" {
		opts = append(opts, layout.WithAnnotations(map[string]string{refName: tag}))
	}
	if err := p.AppendImage(img, opts...); err != nil {
		return v1.Hash{}, fmt.Errorf("write OCI layout %s: %w", dir, err)
	}
	digest, err := img.Digest()
	if err != nil {
		return v1.Hash{}, fmt.Errorf("write OCI layout %s: %w", dir, err)
	}
	if err := syncTree(tmp); err != nil {
		return v1.Hash{}, fmt.Errorf("write OCI layout %s: %w", dir, err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return v1.Hash{}, err
	}
	if err := replace(tmp, dir); err != nil {
		return v1.Hash{}, fmt.Errorf("write OCI layout %s: %w", dir, err)
	}
	return digest, nil
}

// replace renames tmp to dir, moving an existing layout (or empty directory) at dir aside first.
func replace(tmp, dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return os.Rename(tmp, dir)
	case err != nil:
		return err
	case len(entries) == 0:
		if err := os.Remove(dir); err != nil {
			return err
		}
		return os.Rename(tmp, dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "oci-layout")); err != nil {
		return fmt.Errorf("%s is not empty and not an OCI layout: not replacing it", dir)
	}
	old := tmp + ".old"
	if err := os.Rename(dir, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return errors.Join(err, os.Rename(old, dir))
	}
	return os.RemoveAll(old)
}

// syncTree flushes every file and directory under root to disk before the rename publishes it.
func syncTree(root string) error {
	return filepath.WalkDir(root, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		return f.Sync()
	})
}

// WriteArchive writes the OCI layout at dir as an OCI archive (skopeo's oci-archive: the layout
// in an uncompressed tar) at file: entries sorted, owned by 0:0, mode 0644 or 0755, mtime 0, so
// the same layout always gives the same bytes. The file appears only when complete.
func WriteArchive(dir, file string) error {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write OCI archive %s: %w", file, err)
	}
	slices.Sort(paths)
	err = atomicfile.Write(file, 0o644, func(w io.Writer) error {
		tw := tar.NewWriter(w)
		for _, p := range paths {
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			fi, err := os.Lstat(p)
			if err != nil {
				return err
			}
			hdr := &tar.Header{Name: filepath.ToSlash(rel), Mode: 0o644, ModTime: time.Unix(0, 0), Format: tar.FormatPAX}
			switch {
			case fi.IsDir():
				hdr.Typeflag, hdr.Name, hdr.Mode = tar.TypeDir, hdr.Name+"/", 0o755
			case fi.Mode().IsRegular():
				hdr.Typeflag, hdr.Size = tar.TypeReg, fi.Size()
			default:
				return fmt.Errorf("%s is not a regular file or directory", p)
			}
			if err := tw.WriteHeader(hdr); err != nil {
				return err
			}
			if hdr.Typeflag == tar.TypeReg {
				if err := copyFile(tw, p); err != nil {
					return err
				}
			}
		}
		return tw.Close()
	})
	if err != nil {
		return fmt.Errorf("write OCI archive %s: %w", file, err)
	}
	return nil
}

func copyFile(w io.Writer, p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}
