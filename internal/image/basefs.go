package image

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
)

// maxWanted bounds a file read from the base (the dpkg status of a large image is a few MiB).
const maxWanted = 64 << 20

// entry is one path of the base's flattened filesystem: its tar header and, for the few files
// the checks read, its content.
type entry struct {
	hdr  tar.Header
	data []byte
}

// baseFS is the base image's filesystem after applying its layers in order with OCI whiteout
// semantics, as far as the checks need it: every path's header, the content of wanted files.
type baseFS struct {
	files map[string]*entry // by clean absolute path
}

// readBase streams the headers of the base's layers, verifying each layer's digest and diff ID,
// and keeps the content of the files for which want returns true.
func readBase(ctx context.Context, img v1.Image, want func(string) bool) (*baseFS, error) {
	layers, err := img.Layers()
	if err != nil {
		return nil, fmt.Errorf("base layers: %w", err)
	}
	// Diff IDs come from the config: asking a layer for its own would decompress it once more.
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("base config: %w", err)
	}
	if len(cf.RootFS.DiffIDs) != len(layers) {
		return nil, fmt.Errorf("base config lists %d diff IDs for %d layers", len(cf.RootFS.DiffIDs), len(layers))
	}
	fs := &baseFS{files: map[string]*entry{"/": {hdr: tar.Header{Typeflag: tar.TypeDir, Mode: 0o755}}}}
	for i, l := range layers {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		d, err := partial.Descriptor(l)
		if err != nil {
			return nil, fmt.Errorf("base layer %d: %w", i, err)
		}
		diffID := cf.RootFS.DiffIDs[i]
		rc, err := l.Compressed()
		if err != nil {
			return nil, fmt.Errorf("base layer %d (%s): %w", i, d.Digest, err)
		}
		what := fmt.Sprintf("base layer %d (%s)", i, d.Digest)
		err = readLayer(rc, d.Digest, diffID, d.Size, what, func(r io.Reader) error { return fs.apply(tar.NewReader(r), want) })
		rc.Close()
		if err != nil {
			return nil, err
		}
	}
	return fs, nil
}

// apply adds one layer. Its whiteouts hide paths of the layers below only, so they are
// collected and applied before the layer's own entries are added.
func (fs *baseFS) apply(tr *tar.Reader, want func(string) bool) error {
	hidden := map[string]bool{} // paths removed with everything under them
	opaque := map[string]bool{} // directories whose lower content is removed
	var added []string
	adds := map[string]*entry{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		p := "/" + strings.TrimPrefix(path.Clean("/"+hdr.Name), "/")
		dir, base := path.Split(p)
		dir = path.Clean(dir)
		switch {
		case base == ".wh..wh..opq":
			opaque[dir] = true
			continue
		case strings.HasPrefix(base, ".wh."):
			hidden[path.Join(dir, strings.TrimPrefix(base, ".wh."))] = true
			continue
		}
		e := &entry{hdr: *hdr}
		e.hdr.Name = p
		switch hdr.Typeflag {
		case tar.TypeLink:
			target := "/" + strings.TrimPrefix(path.Clean("/"+hdr.Linkname), "/")
			src := adds[target]
			if src == nil {
				src = fs.files[target]
			}
			if src == nil {
				return fmt.Errorf("hard link %s: target %s does not exist", p, target)
			}
			e.hdr.Typeflag, e.hdr.Size, e.data = tar.TypeReg, src.hdr.Size, src.data
		case tar.TypeReg:
			if want(p) {
				if hdr.Size > maxWanted {
					return fmt.Errorf("%s: %d bytes, more than %d", p, hdr.Size, maxWanted)
				}
				if e.data, err = io.ReadAll(tr); err != nil {
					return fmt.Errorf("read %s: %w", p, err)
				}
			}
		}
		if _, ok := adds[p]; !ok {
			added = append(added, p)
		}
		adds[p] = e
	}
	// A non-directory replacing a lower directory hides what was under it.
	for p, e := range adds {
		if lower := fs.files[p]; lower != nil && lower.hdr.Typeflag == tar.TypeDir && e.hdr.Typeflag != tar.TypeDir {
			opaque[p] = true
		}
	}
	if len(hidden)+len(opaque) > 0 {
		for p := range fs.files {
			if hiddenBy(p, hidden, opaque) {
				delete(fs.files, p)
			}
		}
	}
	for _, p := range added {
		fs.addParents(p)
		fs.files[p] = adds[p]
	}
	return nil
}

// hiddenBy reports whether p is a hidden path or under one, or under an opaque directory.
func hiddenBy(p string, hidden, opaque map[string]bool) bool {
	if hidden[p] {
		return true
	}
	for q := p; q != "/"; {
		q = path.Dir(q)
		if hidden[q] || opaque[q] {
			return true
		}
	}
	return false
}

// addParents records the parent directories of p that no layer listed.
func (fs *baseFS) addParents(p string) {
	for q := path.Dir(p); q != "/"; q = path.Dir(q) {
		if _, ok := fs.files[q]; ok {
			return
		}
		fs.files[q] = &entry{hdr: tar.Header{Name: q, Typeflag: tar.TypeDir, Mode: 0o755}}
	}
}

var errNotExist = errors.New("does not exist")

// resolve follows symbolic links in every component of p, with / as the root (a link cannot
// climb out of the image), and returns the final path and its entry.
func (fs *baseFS) resolve(p string) (string, *entry, error) {
	parts := splitPath(p)
	cur := "/"
	links := 0
	for i := 0; i < len(parts); i++ {
		next := path.Join(cur, parts[i])
		e := fs.files[next]
		if e == nil {
			return next, nil, fmt.Errorf("%s %w", next, errNotExist)
		}
		if e.hdr.Typeflag == tar.TypeSymlink {
			if links++; links > 40 {
				return next, nil, errors.New("too many levels of symbolic links")
			}
			target := e.hdr.Linkname
			if !path.IsAbs(target) {
				target = path.Join(cur, target)
			}
			parts = append(splitPath(target), parts[i+1:]...)
			cur, i = "/", -1
			continue
		}
		if i < len(parts)-1 && e.hdr.Typeflag != tar.TypeDir {
			return next, nil, fmt.Errorf("%s is not a directory", next)
		}
		cur = next
	}
	return cur, fs.files[cur], nil
}

func splitPath(p string) []string {
	var out []string
	for _, s := range strings.Split(path.Clean("/"+p), "/") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
