// Package sbom describes what an image holds (stage 6) — the Python packages of its lock and the
// Debian packages of its base — and writes that as SPDX 2.3 and CycloneDX 1.6 JSON; it also
// reads SBOMs in both formats back into the same terms for scanning.
package sbom

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/citadel-build/citadel/internal/pep503"
)

// Package types, as in purls.
const (
	TypePyPI = "pypi"
	TypeDeb  = "deb"
)

// Document is an image's bill of materials in the terms both formats share.
type Document struct {
	Image     Image
	OS        *OS // the distribution of the base; nil when not known
	Packages  []Package
	Overrides []Override
	Created   time.Time // the image's creation time: documents never carry the wall clock
	Tool      string    // e.g. citadel-0.1.0
}

// Image identifies the image described.
type Image struct {
	Name       string // e.g. horizon
	Label      string // e.g. //images/horizon:2024.1
	Release    string // OpenStack release, e.g. 2024.1
	Version    string // the service's version, e.g. 24.0.2
	Digest     string // manifest digest, sha256:…
	BaseName   string
	BaseDigest string
	LockSHA256 string // sha256 of the lock the image was built from
}

// OS is the base's distribution, from its os-release.
type OS struct {
	ID, VersionID, Codename, PrettyName string
}

// Package is one software package in the image.
type Package struct {
	Ref     string // stable reference inside the document (SPDX id, CycloneDX bom-ref)
	Type    string // TypePyPI or TypeDeb
	Name    string // the name as the ecosystem spells it (PyPI: PEP 503 normalised)
	Version string
	Purl    string
	// SHA256 and Filename are of the file installed: the wheel (or the sdist for needs_build).
	SHA256, Filename string
	License          string // as declared by the package, "" if none
	Root             bool   // a root package of the image (what the image was declared with)
	DependsOn        []string
	// Source and SourceVersion are a Debian package's source package; Arch its architecture;
	// Release the Debian release it is from ("12"), when its purl says.
	Source, SourceVersion, Arch, Release string
	Supplier                             string // Debian maintainer
	Homepage                             string
	NeedsBuild                           bool // installed from a wheel built from the locked sdist
}

// Override is a change made to the release's constraints, with the advisories it fixes.
type Override struct {
	Op, Package, From, To string
	Advisories            []string
}

// sortPackages orders packages by type, name, version and architecture, so documents do not
// depend on the order things were read in.
func sortPackages(pkgs []Package) {
	slices.SortFunc(pkgs, func(a, b Package) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Version, b.Version), cmp.Compare(a.Arch, b.Arch))
	})
}

// namespace is the UUID namespace of Citadel's document ids: uuid.NewSHA1(uuid.NameSpaceURL,
// "urn:citadel:sbom").
var namespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("urn:citadel:sbom"))

// serial is a UUID derived from what the document describes (the image digest and format), so
// the same image always gets the same id and different images different ones.
func (d *Document) serial(format string) uuid.UUID {
	return uuid.NewSHA1(namespace, []byte(format+"\x00"+d.Image.Label+"\x00"+d.Image.Digest))
}

// name is the document's subject: the image label, else its name, else its digest.
func (d *Document) name() string {
	return cmp.Or(d.Image.Label, d.Image.Name, d.Image.Digest)
}

// imagePurl is the image's package URL.
func (d *Document) imagePurl() string { return ImagePurl(d.Image.Name, d.Image.Digest) }

// ref finds the reference of a package by type, name (in the type's normal form) and version.
func (d *Document) ref(typ, name, version string) (string, bool) {
	if typ == TypePyPI {
		name = pep503.Normalize(name)
	}
	for _, p := range d.Packages {
		if p.Type == typ && p.Name == name && (version == "" || p.Version == version) {
			return p.Ref, true
		}
	}
	return "", false
}

func (o Override) describe() string {
	var s string
	switch o.Op {
	case "pin":
		s = fmt.Sprintf("constraints override: %s %s -> %s", o.Package, o.From, o.To)
	case "add":
		s = fmt.Sprintf("constraints override: added %s %s", o.Package, o.To)
	default:
		s = fmt.Sprintf("constraints override: %s %s", o.Op, o.Package)
	}
	if len(o.Advisories) > 0 {
		s += " fixes " + strings.Join(o.Advisories, ", ")
	}
	return s
}

// cutLast splits s around the last sep.
func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}
