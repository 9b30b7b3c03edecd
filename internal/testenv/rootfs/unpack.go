package rootfs

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

const (
	whiteoutPrefix = ".wh."
	opaqueWhiteout = ".wh..wh..opq"
	maxSymlinks    = 255 // as Linux's path resolution
)

// Unpack applies OCI layer tarballs (gzip-compressed or plain), in order, onto dir with OCI
// whiteout semantics. Entry names and hard link targets that are absolute or climb out with ".."
// are refused; symbolic links met on the way to an entry are resolved as if dir were the root
// (chroot semantics), so no entry lands outside dir. Modes, symbolic links, hard links and
// modification times are kept, owners too when running as root. Extended attributes are not
// applied.
func Unpack(dir string, layers ...string) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("unpack onto %s: %w", dir, err)
	}
	defer root.Close()
	for _, layer := range layers {
		if err := unpackLayer(root, dir, layer); err != nil {
			return fmt.Errorf("unpack layer %s onto %s: %w", layer, dir, err)
		}
	}
	return nil
}

// layerUnpacker applies one layer.
type layerUnpacker struct {
	root   *os.Root
	dir    string          // the root's path, for the few calls os.Root lacks
	asRoot bool            // whether owners can be set
	mine   map[string]bool // paths this layer created or wrote, and their parents
	dirs   []*tar.Header   // directories whose times are set once their content is in
	paths  []string        // where each of dirs landed
}

func unpackLayer(root *os.Root, dir, layer string) error {
	f, err := os.Open(layer)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := decompress(bufio.NewReader(f))
	if err != nil {
		return err
	}
	u := &layerUnpacker{root: root, dir: dir, asRoot: os.Geteuid() == 0, mine: map[string]bool{}}
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if err := u.entry(hdr, tr); err != nil {
			return fmt.Errorf("entry %q: %w", hdr.Name, err)
		}
	}
	// Children change their directory's mtime, so directories get theirs last, deepest first.
	for i := len(u.dirs) - 1; i >= 0; i-- {
		if err := root.Chtimes(u.paths[i], u.dirs[i].AccessTime, u.dirs[i].ModTime); err != nil {
			return err
		}
	}
	return nil
}

func decompress(r *bufio.Reader) (io.Reader, error) {
	magic, err := r.Peek(4)
	if err != nil && err != io.EOF {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		return gzip.NewReader(r)
	case bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return nil, errors.New("zstd-compressed layers are not supported")
	}
	return r, nil
}

// entryPath checks a tar name and returns it clean and relative ("." for the root).
func entryPath(name string) (string, error) {
	if strings.HasPrefix(name, "/") {
		return "", fmt.Errorf("absolute path %q", name)
	}
	p := path.Clean(name)
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", fmt.Errorf("path %q escapes the root", name)
	}
	return p, nil
}

func (u *layerUnpacker) entry(hdr *tar.Header, content io.Reader) error {
	if hdr.Typeflag == tar.TypeXGlobalHeader {
		return nil
	}
	name, err := entryPath(hdr.Name)
	if err != nil {
		return err
	}
	if name == "." {
		if hdr.Typeflag != tar.TypeDir {
			return errors.New("the root must be a directory")
		}
		return u.directory(".", hdr)
	}
	parentName, base := path.Split(name)
	if base == opaqueWhiteout || strings.HasPrefix(base, whiteoutPrefix) {
		parent, err := u.resolve(parentName, false)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // nothing below to hide
		}
		if err != nil {
			return err
		}
		if base == opaqueWhiteout {
			return u.opaque(parent)
		}
		hidden := strings.TrimPrefix(base, whiteoutPrefix)
		if hidden == "" || hidden == "." || hidden == ".." {
			return fmt.Errorf("whiteout of %q", hidden)
		}
		return u.root.RemoveAll(path.Join(parent, hidden))
	}
	parent, err := u.resolve(parentName, true)
	if err != nil {
		return err
	}
	target := path.Join(parent, base)
	for p := target; p != "."; p = path.Dir(p) {
		u.mine[p] = true
	}

	if hdr.Typeflag == tar.TypeDir {
		return u.directory(target, hdr)
	}
	if _, err := u.root.Lstat(target); err == nil {
		if err := u.root.RemoveAll(target); err != nil {
			return err
		}
	}
	switch hdr.Typeflag {
	case tar.TypeReg, tar.TypeRegA: // old archivers still write TypeRegA
		f, err := u.root.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		_, err = io.Copy(f, content)
		if closeErr := f.Close(); err == nil {
			err = closeErr
		}
		if err != nil {
			return err
		}
	case tar.TypeSymlink:
		if err := u.root.Symlink(hdr.Linkname, target); err != nil {
			return err
		}
		return u.chown(target, hdr)
	case tar.TypeLink:
		linkName, err := entryPath(hdr.Linkname)
		if err != nil {
			return fmt.Errorf("hard link: %w", err)
		}
		dir, base := path.Split(linkName)
		linkParent, err := u.resolve(dir, false)
		if err != nil {
			return fmt.Errorf("hard link to %q: %w", hdr.Linkname, err)
		}
		return u.root.Link(path.Join(linkParent, base), target)
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		if err := u.mknod(target, hdr); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unsupported tar entry type %q", hdr.Typeflag)
	}
	return u.finish(target, hdr)
}

// directory creates or updates a directory, keeping what a lower layer put in it.
func (u *layerUnpacker) directory(target string, hdr *tar.Header) error {
	fi, err := u.root.Lstat(target)
	if err == nil && !fi.IsDir() {
		if err := u.root.RemoveAll(target); err != nil {
			return err
		}
	}
	if err != nil || !fi.IsDir() {
		if err := u.root.Mkdir(target, 0o700); err != nil {
			return err
		}
	}
	if err := u.chown(target, hdr); err != nil {
		return err
	}
	u.dirs = append(u.dirs, hdr)
	u.paths = append(u.paths, target)
	return u.root.Chmod(target, hdr.FileInfo().Mode())
}

// finish sets owner, then mode (chown clears set-id bits), then times.
func (u *layerUnpacker) finish(target string, hdr *tar.Header) error {
	if err := u.chown(target, hdr); err != nil {
		return err
	}
	if err := u.root.Chmod(target, hdr.FileInfo().Mode()); err != nil {
		return err
	}
	return u.root.Chtimes(target, accessTime(hdr), hdr.ModTime)
}

func (u *layerUnpacker) chown(target string, hdr *tar.Header) error {
	if !u.asRoot {
		return nil
	}
	return u.root.Lchown(target, hdr.Uid, hdr.Gid)
}

func (u *layerUnpacker) mknod(target string, hdr *tar.Header) error {
	mode := uint32(hdr.Mode & 0o7777)
	switch hdr.Typeflag {
	case tar.TypeChar:
		mode |= syscall.S_IFCHR
	case tar.TypeBlock:
		mode |= syscall.S_IFBLK
	default:
		mode |= syscall.S_IFIFO
	}
	if hdr.Typeflag != tar.TypeFifo && !u.asRoot {
		return errors.New("device nodes need root")
	}
	// The parent was resolved inside the root, with every symbolic link followed.
	dev := mkdev(uint64(hdr.Devmajor), uint64(hdr.Devminor))
	if err := syscall.Mknod(filepath.Join(u.dir, filepath.FromSlash(target)), mode, int(dev)); err != nil {
		return fmt.Errorf("mknod %s: %w", target, err)
	}
	return nil
}

// mkdev encodes a device number as Linux's makedev does.
func mkdev(major, minor uint64) uint64 {
	return (major&0xfff)<<8 | (major&^0xfff)<<32 | minor&0xff | (minor&^0xff)<<12
}

func accessTime(hdr *tar.Header) time.Time {
	if hdr.AccessTime.IsZero() {
		return hdr.ModTime
	}
	return hdr.AccessTime
}

// opaque empties dir of everything lower layers put there: what this layer wrote stays, and
// directories it wrote are emptied the same way.
func (u *layerUnpacker) opaque(dir string) error {
	f, err := u.root.Open(dir)
	if err != nil {
		return err
	}
	entries, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := path.Join(dir, e.Name())
		switch {
		case !u.mine[p]:
			if err := u.root.RemoveAll(p); err != nil {
				return err
			}
		case e.IsDir():
			if err := u.opaque(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// resolve returns where the directory p (relative, clean or "") is inside the root, following
// symbolic links as if the root were "/": an absolute target starts again from the root and ".."
// stops at it. With create, missing directories are made (mode 0755); otherwise a missing one is
// an fs.ErrNotExist error.
func (u *layerUnpacker) resolve(p string, create bool) (string, error) {
	todo := strings.Split(strings.Trim(p, "/"), "/")
	resolved := "."
	links := 0
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			resolved = path.Dir(resolved)
			continue
		}
		next := path.Join(resolved, c)
		fi, err := u.root.Lstat(next)
		switch {
		case errors.Is(err, fs.ErrNotExist) && create:
			if err := u.root.Mkdir(next, 0o755); err != nil {
				return "", err
			}
			u.mine[next] = true
			resolved = next
		case err != nil:
			return "", err
		case fi.Mode()&fs.ModeSymlink != 0:
			if links++; links > maxSymlinks {
				return "", fmt.Errorf("%s: too many levels of symbolic links", p)
			}
			target, err := u.root.Readlink(next)
			if err != nil {
				return "", err
			}
			if strings.HasPrefix(target, "/") {
				resolved = "."
			}
			todo = append(strings.Split(target, "/"), todo...)
		case fi.IsDir():
			resolved = next
		default:
			return "", fmt.Errorf("%s: not a directory", next)
		}
	}
	return resolved, nil
}
