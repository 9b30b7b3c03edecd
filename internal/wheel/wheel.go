// Package wheel installs a Python wheel into a virtual environment without
// Python or pip: it validates the archive in full, then streams the files pip
// 26.3 would place (`pip install --no-deps --no-compile`) to a callback, byte
// for byte, so they can be written straight into an image layer.
package wheel

import (
	"archive/zip"
	"fmt"
	"io"
	"path"

	"github.com/citadel-build/citadel/internal/coremetadata"
)

// Scheme holds the absolute, clean paths inside the image that a wheel's
// files go to, as pip's installation scheme does.
type Scheme struct {
	Prefix  string // the venv root; <name>.data/data goes here
	Purelib string // site-packages
	Platlib string // site-packages too in a venv
	Scripts string // <venv>/bin
	Headers string // <venv>/include/site/pythonX.Y/<dist name>
	// Python is the interpreter written into shebangs: pip writes its own
	// sys.executable, which is <venv>/bin/python when run as that.
	Python string
	// PythonVersion is "X.Y", used only for the versioned launchers pip makes
	// for the pip and easy_install entry points (pip3.11, easy_install-3.11).
	PythonVersion string
}

// VenvScheme returns the scheme pip uses in a venv at prefix for a Python
// "X.Y". distName names the headers directory; pip uses the requirement's
// name as the user wrote it (greenlet, PyYAML).
func VenvScheme(prefix, pythonVersion, distName string) Scheme {
	site := path.Join(prefix, "lib", "python"+pythonVersion, "site-packages")
	return Scheme{
		Prefix:        prefix,
		Purelib:       site,
		Platlib:       site,
		Scripts:       path.Join(prefix, "bin"),
		Headers:       path.Join(prefix, "include", "site", "python"+pythonVersion, distName),
		Python:        path.Join(prefix, "bin", "python"),
		PythonVersion: pythonVersion,
	}
}

// Entry is one file Install places. Directories are not emitted: the caller
// creates each file's parents.
type Entry struct {
	Path string // absolute and clean
	Mode int64  // 0644 or 0755
	Dir  bool   // never set by Install, which emits no directories; for callers adding their own
	Size int64
	// Open returns the content, exactly Size bytes. Content read from the
	// archive is checked again against the digest verified by Open (the file
	// could change on disk in between) and a mismatch is a read error.
	Open func() (io.ReadCloser, error)
}

// Options controls the installation metadata Install writes.
type Options struct {
	Installer string // INSTALLER content without the final newline, e.g. "citadel"
	Requested bool   // write REQUESTED, as pip does for a requirement the user named
}

// Wheel is an opened wheel whose every entry has been validated. It keeps the
// file open until Close.
type Wheel struct {
	filename string
	closer   io.Closer // the wheel file
	meta     *coremetadata.Metadata

	distInfo      string // "name-1.0.dist-info"
	dataDir       string // "name-1.0.data", or "" when there is none
	rootIsPurelib bool
	files         []*member   // regular files, in archive order
	record        []recordRow // RECORD rows in file order
	console, gui  []entryPoint
}

// member is one regular file of the archive.
type member struct {
	zf   *zip.File
	name string
	mode int64 // 0644, or 0755 when the zip mode has an execute bit
	size int64
	sum  digest // the RECORD hash, verified

	// For .data/scripts files: whether the first line starts with "#!python"
	// and its length including the newline (the whole file when there is none).
	pythonShebang bool
	firstLine     int64
}

// Name returns the project name as written in METADATA.
func (w *Wheel) Name() string { return w.meta.Name }

// Version returns the version as written in METADATA.
func (w *Wheel) Version() string { return w.meta.Version }

// Metadata returns the parsed METADATA file.
func (w *Wheel) Metadata() *coremetadata.Metadata { return w.meta }

// Close closes the wheel file. Entries emitted by Install cannot be opened
// afterwards.
func (w *Wheel) Close() error {
	if err := w.closer.Close(); err != nil {
		return fmt.Errorf("close wheel %s: %w", w.filename, err)
	}
	return nil
}
