package image

import (
	"archive/tar"
	"context"
	"fmt"
	"path"
	"slices"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Files is an image's filesystem after applying all its layers (with OCI whiteouts), as far as a
// reader asked for it: every path, and the content of the files it wanted.
type Files struct {
	fs *baseFS
}

// ReadFiles streams img's layers, verifying each against its digest and diff ID, and keeps the
// content of the regular files for which want returns true (want sees clean absolute paths;
// for a file reached through a symbolic link, the link's target must be wanted too).
func ReadFiles(ctx context.Context, img v1.Image, want func(path string) bool) (*Files, error) {
	fs, err := readBase(ctx, img, want)
	if err != nil {
		return nil, err
	}
	return &Files{fs: fs}, nil
}

// Read returns the content of the regular file at p, following symbolic links inside the image.
// ok is false when there is no such file; an error says why a path cannot be followed.
func (f *Files) Read(p string) (data []byte, ok bool, err error) {
	final, e, err := f.fs.resolve(p)
	if err != nil || e == nil {
		return nil, false, nil
	}
	if e.hdr.Typeflag != tar.TypeReg {
		return nil, false, fmt.Errorf("%s (%s) is not a regular file", p, final)
	}
	if e.data == nil && e.hdr.Size > 0 {
		return nil, false, fmt.Errorf("%s (%s) was not read", p, final)
	}
	return e.data, true, nil
}

// Glob returns the paths matching pattern (path.Match syntax, on clean absolute paths), sorted.
func (f *Files) Glob(pattern string) ([]string, error) {
	if _, err := path.Match(pattern, "/"); err != nil {
		return nil, fmt.Errorf("pattern %q: %w", pattern, err)
	}
	var out []string
	for p := range f.fs.files {
		if ok, _ := path.Match(pattern, p); ok {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out, nil
}
