// Package venv installs locked wheels into a virtualenv written directly as OCI layer tarballs:
// no pip, no Python, no temporary tree. The venv is split into a bounded number of layers chosen
// so that a package version lands in a byte-identical layer in every image that uses it.
package venv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/citadel-build/citadel/internal/atomicfile"
	"github.com/citadel-build/citadel/internal/jsonfile"
	"github.com/citadel-build/citadel/internal/layer"
	"github.com/citadel-build/citadel/internal/wheel"
)

// Config describes the venv and how it is layered.
type Config struct {
	Prefix        string // venv root in the image, e.g. /var/lib/openstack
	PythonVersion string // target CPython, e.g. 3.11.2
	// Interpreter is the base interpreter the venv links to; default /usr/bin/python3.X.
	Interpreter string
	Epoch       int64 // SOURCE_DATE_EPOCH: every mtime in the layers
	// Layers bounds the number of layers (default 16, at least 3): one for the venv skeleton, one
	// per large package, one for all other packages.
	Layers int
	// OwnLayer is the installed size from which a package gets a layer of its own (default 1 MiB).
	OwnLayer int64
}

// Package is one wheel to install.
type Package struct {
	Name, Version string
	Root          bool // requested by the image (gets REQUESTED)
	Wheel         *wheel.Wheel
}

// Layer is one written layer tarball.
type Layer struct {
	layer.Descriptor
	File      string   `json:"file"` // name inside the output directory
	MediaType string   `json:"media_type"`
	Packages  []string `json:"packages"` // name==version of the packages it holds; empty for the skeleton
	Role      string   `json:"role"`     // "skeleton", "package" or "shared"
}

// Manifest describes the output directory.
type Manifest struct {
	Prefix        string  `json:"prefix"`
	PythonVersion string  `json:"python_version"`
	Interpreter   string  `json:"interpreter"`
	Epoch         int64   `json:"source_date_epoch"`
	Layers        []Layer `json:"layers"`
}

var pythonVersion = regexp.MustCompile(`^3\.([0-9]+)\.[0-9]+$`)

func (c *Config) defaults() error {
	m := pythonVersion.FindStringSubmatch(c.PythonVersion)
	if m == nil {
		return fmt.Errorf("venv: python version %q: want 3.X.Y", c.PythonVersion)
	}
	if c.Prefix == "" || !path.IsAbs(c.Prefix) || path.Clean(c.Prefix) != c.Prefix {
		return fmt.Errorf("venv: prefix %q: want an absolute, clean path", c.Prefix)
	}
	if c.Interpreter == "" {
		c.Interpreter = "/usr/bin/python3." + m[1]
	}
	if c.Layers == 0 {
		c.Layers = 16
	}
	if c.Layers < 3 {
		return fmt.Errorf("venv: layer budget %d: want at least 3 (skeleton, one package layer, shared)", c.Layers)
	}
	if c.OwnLayer == 0 {
		c.OwnLayer = 1 << 20
	}
	return nil
}

// pyXY is "python3.11" for "3.11.2".
func (c *Config) pyXY() string {
	m := pythonVersion.FindStringSubmatch(c.PythonVersion)
	return "python3." + m[1]
}

// Scheme is where a wheel's files go in this venv, as pip computes it for a venv.
func (c *Config) Scheme(dist string) wheel.Scheme {
	site := path.Join(c.Prefix, "lib", c.pyXY(), "site-packages")
	return wheel.Scheme{
		Prefix:  c.Prefix,
		Purelib: site,
		Platlib: site,
		Scripts: path.Join(c.Prefix, "bin"),
		Headers: path.Join(c.Prefix, "include", "site", c.pyXY(), dist),
		Python:  path.Join(c.Prefix, "bin", "python"),
	}
}

// installed is one package's files.
type installed struct {
	pkg   Package
	files []layer.File
	size  int64
}

// Build installs the packages and writes the layers and manifest.json into outDir. Nothing is
// left in outDir if it fails: everything is written to a temporary directory first.
func Build(ctx context.Context, cfg Config, pkgs []Package, outDir string) (*Manifest, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	inst, err := installAll(cfg, pkgs)
	if err != nil {
		return nil, err
	}
	groups := plan(cfg, inst)
	if err := os.MkdirAll(filepath.Dir(filepath.Clean(outDir)), 0o755); err != nil {
		return nil, fmt.Errorf("venv: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(filepath.Clean(outDir)), "."+filepath.Base(outDir)+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("venv: %w", err)
	}
	defer os.RemoveAll(tmp)
	layers := make([]Layer, len(groups))
	errs := make([]error, len(groups))
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for i, g := range groups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if ctx.Err() != nil {
				errs[i] = ctx.Err()
				return
			}
			layers[i], errs[i] = writeLayer(tmp, cfg.Epoch, g)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("venv: %w", err)
	}
	m := &Manifest{Prefix: cfg.Prefix, PythonVersion: cfg.PythonVersion, Interpreter: cfg.Interpreter, Epoch: cfg.Epoch, Layers: layers}
	data, err := jsonfile.Marshal(m)
	if err != nil {
		return nil, err
	}
	if err := atomicfile.WriteFile(filepath.Join(tmp, "manifest.json"), data, 0o644); err != nil {
		return nil, err
	}
	if err := replaceDir(tmp, outDir); err != nil {
		return nil, fmt.Errorf("venv: %w", err)
	}
	return m, nil
}

// installAll collects each package's entries and rejects two packages writing one path.
func installAll(cfg Config, pkgs []Package) ([]installed, error) {
	owner := map[string]string{}
	var out []installed
	var errs []error
	sorted := slices.Clone(pkgs)
	slices.SortFunc(sorted, func(a, b Package) int { return strings.Compare(a.Name, b.Name) })
	for _, p := range sorted {
		in := installed{pkg: p}
		err := p.Wheel.Install(cfg.Scheme(p.Wheel.Name()), wheel.Options{Installer: "citadel", Requested: p.Root}, func(e wheel.Entry) error {
			if e.Dir {
				return nil
			}
			if prev, ok := owner[e.Path]; ok {
				return fmt.Errorf("%s is also installed by %s", e.Path, prev)
			}
			owner[e.Path] = p.Name + " " + p.Version
			in.files = append(in.files, layer.File{Path: e.Path, Mode: e.Mode, Size: e.Size, Open: e.Open})
			in.size += e.Size
			return nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("install %s %s: %w", p.Name, p.Version, err))
			continue
		}
		out = append(out, in)
	}
	return out, errors.Join(errs...)
}

// group is the content of one layer.
type group struct {
	role  string
	pkgs  []installed
	files []layer.File
}

// plan assigns packages to layers. A package of at least OwnLayer bytes gets a layer of its own,
// so the layer depends on nothing but that package version and the venv's paths, and is
// byte-identical in every image that installs it; when there are more such packages than the
// budget allows, the largest keep their own layers. All remaining packages share one layer.
func plan(cfg Config, inst []installed) []group {
	groups := []group{{role: "skeleton", files: skeleton(cfg)}}
	var big, rest []installed
	for _, in := range inst {
		if in.size >= cfg.OwnLayer {
			big = append(big, in)
		} else {
			rest = append(rest, in)
		}
	}
	slices.SortStableFunc(big, func(a, b installed) int {
		if a.size != b.size {
			return int(b.size - a.size)
		}
		return strings.Compare(a.pkg.Name, b.pkg.Name)
	})
	if room := cfg.Layers - 2; len(big) > room {
		rest = append(rest, big[room:]...)
		big = big[:room]
	}
	slices.SortFunc(big, func(a, b installed) int { return strings.Compare(a.pkg.Name, b.pkg.Name) })
	for _, in := range big {
		groups = append(groups, group{role: "package", pkgs: []installed{in}, files: in.files})
	}
	if len(rest) > 0 {
		slices.SortFunc(rest, func(a, b installed) int { return strings.Compare(a.pkg.Name, b.pkg.Name) })
		g := group{role: "shared", pkgs: rest}
		for _, in := range rest {
			g.files = append(g.files, in.files...)
		}
		groups = append(groups, g)
	}
	return groups
}

// skeleton is what `python3 -m venv` creates, minus the activation scripts, which an image
// does not use.
func skeleton(cfg Config) []layer.File {
	py := cfg.pyXY()
	cfgText := fmt.Sprintf("home = %s\ninclude-system-site-packages = false\nversion = %s\nexecutable = %s\ncommand = %s -m venv %s\n",
		path.Dir(cfg.Interpreter), cfg.PythonVersion, cfg.Interpreter, path.Join(path.Dir(cfg.Interpreter), "python3"), cfg.Prefix)
	p := cfg.Prefix
	return []layer.File{
		{Path: path.Join(p, "pyvenv.cfg"), Mode: 0o644, Size: int64(len(cfgText)), Open: stringOpener(cfgText)},
		{Path: path.Join(p, "bin"), Dir: true},
		{Path: path.Join(p, "bin", "python"), Symlink: "python3"},
		{Path: path.Join(p, "bin", "python3"), Symlink: path.Join(path.Dir(cfg.Interpreter), "python3")},
		{Path: path.Join(p, "bin", py), Symlink: "python3"},
		{Path: path.Join(p, "include", py), Dir: true},
		{Path: path.Join(p, "lib", py, "site-packages"), Dir: true},
		{Path: path.Join(p, "lib64"), Symlink: "lib"},
	}
}

func stringOpener(s string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }
}

func writeLayer(dir string, epoch int64, g group) (Layer, error) {
	f, err := os.CreateTemp(dir, "layer-*.tar.gz")
	if err != nil {
		return Layer{}, err
	}
	defer f.Close()
	d, err := layer.Write(f, g.files, epoch)
	if err != nil {
		return Layer{}, fmt.Errorf("%s layer %v: %w", g.role, names(g.pkgs), err)
	}
	if err := f.Close(); err != nil {
		return Layer{}, err
	}
	name := strings.TrimPrefix(d.Digest, "sha256:") + ".tar.gz"
	if err := os.Rename(f.Name(), filepath.Join(dir, name)); err != nil {
		return Layer{}, err
	}
	return Layer{Descriptor: d, File: name, MediaType: layer.MediaType, Packages: names(g.pkgs), Role: g.role}, nil
}

func names(pkgs []installed) []string {
	out := []string{}
	for _, in := range pkgs {
		out = append(out, in.pkg.Name+"=="+in.pkg.Version)
	}
	return out
}

// replaceDir moves the finished tmp directory to dst, replacing a previous output only if it is
// one (it holds manifest.json) or is empty.
func replaceDir(tmp, dst string) error {
	entries, err := os.ReadDir(dst)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return err
	case len(entries) > 0:
		if _, err := os.Stat(filepath.Join(dst, "manifest.json")); err != nil {
			return fmt.Errorf("output directory %s is not empty and holds no manifest.json: not replacing it", dst)
		}
		if err := os.RemoveAll(dst); err != nil {
			return err
		}
	default:
		if err := os.Remove(dst); err != nil {
			return err
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}
