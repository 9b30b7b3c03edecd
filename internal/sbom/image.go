package sbom

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/citadel-build/citadel/internal/coremetadata"
	"github.com/citadel-build/citadel/internal/dpkg"
	"github.com/citadel-build/citadel/internal/image"
	"github.com/citadel-build/citadel/internal/lock"
	"github.com/citadel-build/citadel/internal/osrelease"
	"github.com/citadel-build/citadel/internal/pep440"
	"github.com/citadel-build/citadel/internal/pep503"
)

// Labels of a citadel-built image that the SBOM reads (see pipeline.Build).
const (
	labelImage   = "dev.citadel.image"
	labelRelease = "dev.citadel.openstack.release"
	labelLock    = "dev.citadel.lock.sha256"
	labelVersion = "org.opencontainers.image.version"
	labelTitle   = "org.opencontainers.image.title"
	labelBase    = "org.opencontainers.image.base.name"
	labelBaseDig = "org.opencontainers.image.base.digest"
	dpkgStatus   = "/var/lib/dpkg/status"
)

// ImageInput is what FromImage describes: an image and the lock it was built from.
type ImageInput struct {
	Image      v1.Image
	Lock       *lock.Lock
	LockSHA256 string // of the lock file's bytes; must equal the image's lock label if it has one
	Prefix     string // the venv's root in the image, e.g. /var/lib/openstack
	Tool       string // e.g. citadel-0.1.0
}

// FromImage describes an image built from a lock: every Python package from the lock, checked
// against the dist-info directories the image's venv holds (so the SBOM is what is there, not
// what was meant to be), and every Debian package of its dpkg status, with the distribution from
// its os-release.
func FromImage(ctx context.Context, in ImageInput) (*Document, error) {
	digest, err := in.Image.Digest()
	if err != nil {
		return nil, fmt.Errorf("sbom: image digest: %w", err)
	}
	cf, err := in.Image.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("sbom: image %s config: %w", digest, err)
	}
	labels := cf.Config.Labels
	if want := labels[labelLock]; want != "" && want != in.LockSHA256 {
		return nil, fmt.Errorf("sbom: image %s was built from a lock with sha256 %s, but the lock given has sha256 %s", digest, want, in.LockSHA256)
	}
	site := path.Join(in.Prefix, "lib", "python3.*", "site-packages", "*.dist-info", "METADATA")
	want := func(p string) bool {
		if p == dpkgStatus || slices.Contains(osrelease.Paths, p) {
			return true
		}
		ok, _ := path.Match(site, p)
		return ok
	}
	files, err := image.ReadFiles(ctx, in.Image, want)
	if err != nil {
		return nil, fmt.Errorf("sbom: image %s: %w", digest, err)
	}
	doc := &Document{
		Image: Image{
			Name: labels[labelTitle], Label: labels[labelImage], Release: labels[labelRelease], Version: labels[labelVersion],
			Digest: digest.String(), BaseName: labels[labelBase], BaseDigest: labels[labelBaseDig], LockSHA256: in.LockSHA256,
		},
		Tool: in.Tool,
	}
	// The image's own creation time (SOURCE_DATE_EPOCH when it was built): the SBOM describes
	// that image, and is the same whenever it is written.
	doc.Created = cf.Created.Time.UTC()
	if doc.Image.Label == "" {
		doc.Image.Label = in.Lock.Image
	}
	if doc.OS, err = readOS(files); err != nil {
		return nil, fmt.Errorf("sbom: image %s: %w", digest, err)
	}
	if err := checkVenv(files, site, in.Lock); err != nil {
		return nil, fmt.Errorf("sbom: image %s: %w", digest, err)
	}
	doc.Packages = append(doc.Packages, lockPackages(in.Lock)...)
	debs, err := debPackages(files, doc.OS)
	if err != nil {
		return nil, fmt.Errorf("sbom: image %s: %w", digest, err)
	}
	doc.Packages = append(doc.Packages, debs...)
	sortPackages(doc.Packages)
	for _, o := range in.Lock.Inputs.Overrides {
		doc.Overrides = append(doc.Overrides, Override{Op: o.Op, Package: o.Package, From: o.From, To: o.To, Advisories: slices.Clone(o.Advisories)})
	}
	return doc, nil
}

func readOS(files *image.Files) (*OS, error) {
	for _, p := range osrelease.Paths {
		data, ok, err := files.Read(p)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		info, err := osrelease.Parse(p, data)
		if err != nil {
			return nil, err
		}
		return &OS{ID: info.ID, VersionID: info.VersionID, Codename: info.VersionCodename, PrettyName: info.PrettyName}, nil
	}
	return nil, nil
}

// checkVenv compares the venv's installed distributions (dist-info METADATA) with the lock.
func checkVenv(files *image.Files, pattern string, l *lock.Lock) error {
	paths, err := files.Glob(pattern)
	if err != nil {
		return err
	}
	installed := map[string]string{}
	for _, p := range paths {
		data, ok, err := files.Read(p)
		switch {
		case err != nil:
			return err
		case !ok:
			return fmt.Errorf("%s is not a regular file", p)
		}
		m, err := coremetadata.Parse(data)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		installed[pep503.Normalize(m.Name)] = m.Version
	}
	var diffs []string
	for _, p := range l.Packages {
		switch v, ok := installed[p.Name]; {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("%s %s is locked but not installed", p.Name, p.Version))
		case !pep440.SameVersion(v, p.Version):
			diffs = append(diffs, fmt.Sprintf("%s is locked at %s but %s is installed", p.Name, p.Version, v))
		}
		delete(installed, p.Name)
	}
	for name, v := range installed {
		diffs = append(diffs, fmt.Sprintf("%s %s is installed but not in the lock", name, v))
	}
	if len(diffs) > 0 {
		slices.Sort(diffs)
		return fmt.Errorf("the venv does not hold what lock %s says (%s):\n  %s", l.Image, pattern, strings.Join(diffs, "\n  "))
	}
	return nil
}

// lockPackages are the lock's packages, with their dependency edges.
func lockPackages(l *lock.Lock) []Package {
	var out []Package
	for _, p := range l.Packages {
		sp := Package{
			Ref:  pypiRef(p.Name, p.Version),
			Type: TypePyPI, Name: p.Name, Version: p.Version, Purl: PyPIPurl(p.Name, p.Version),
			SHA256: p.SHA256, Filename: p.Filename, License: p.License, Root: p.Root, NeedsBuild: p.NeedsBuild,
		}
		for _, e := range p.Dependencies {
			if dep, ok := l.Package(e.Name); ok {
				sp.DependsOn = append(sp.DependsOn, pypiRef(dep.Name, dep.Version))
			}
		}
		slices.Sort(sp.DependsOn)
		sp.DependsOn = slices.Compact(sp.DependsOn)
		out = append(out, sp)
	}
	return out
}

func debPackages(files *image.Files, os *OS) ([]Package, error) {
	data, ok, err := files.Read(dpkgStatus)
	if err != nil || !ok {
		return nil, err
	}
	pkgs, err := dpkg.ParseStatus(dpkgStatus, data)
	if err != nil {
		return nil, err
	}
	out := make([]Package, 0, len(pkgs))
	for _, p := range pkgs {
		sp := Package{
			Ref:  refSafe("deb-" + p.Name + "-" + p.Version + "-" + p.Architecture),
			Type: TypeDeb, Name: p.Name, Version: p.Version, Arch: p.Architecture,
			Source: p.Source, SourceVersion: p.SourceVersion, Supplier: p.Maintainer, Homepage: p.Homepage,
		}
		sp.Purl = debPurl(sp, os)
		if os != nil {
			sp.Release = debianRelease(os.VersionID)
		}
		out = append(out, sp)
	}
	return out, nil
}

func pypiRef(name, version string) string { return refSafe("pypi-" + name + "-" + version) }

// refSafe keeps the characters SPDX ids allow (letters, digits, '.', '-'), replacing others.
func refSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '.' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '-'
	}, s)
}
