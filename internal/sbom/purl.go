package sbom

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/citadel-build/citadel/internal/pep503"
)

// PyPIPurl is pkg:pypi/<name>@<version>, the name PEP 503 normalised (the purl spec lowercases
// PyPI names and replaces underscores; normalising also folds dots, as the index does).
func PyPIPurl(name, version string) string {
	return packageurl.NewPackageURL(packageurl.TypePyPi, "", pep503.Normalize(name), version, nil, "").ToString()
}

// ImagePurl is pkg:oci/NAME@DIGEST, an image's package URL ("image" when it has no name).
func ImagePurl(name, digest string) string {
	return packageurl.NewPackageURL(packageurl.TypeOCI, "", cmp.Or(name, "image"), digest, nil, "").ToString()
}

// debPurl is pkg:deb/<distro id>/<name>@<version>?arch=…&distro=<id>-<version id>, with the source
// package in upstream= (NAME, or NAME@VERSION when it differs from the binary's), as syft writes
// them, so scanners that follow upstream= find Debian's source-keyed advisories.
func debPurl(p Package, os *OS) string {
	ns := "debian"
	q := packageurl.Qualifiers{{Key: "arch", Value: p.Arch}}
	if os != nil {
		ns = os.ID
		if os.VersionID != "" {
			q = append(q, packageurl.Qualifier{Key: "distro", Value: os.ID + "-" + os.VersionID})
		}
	}
	if p.Source != "" && (p.Source != p.Name || p.SourceVersion != p.Version) {
		up := p.Source
		if p.SourceVersion != p.Version {
			up += "@" + p.SourceVersion
		}
		q = append(q, packageurl.Qualifier{Key: "upstream", Value: up})
	}
	return packageurl.NewPackageURL(packageurl.TypeDebian, ns, p.Name, p.Version, q, "").ToString()
}

// debianCodenames maps release codenames to version numbers, for purls that name the release by
// codename (distro=bookworm, as osv.dev writes them).
var debianCodenames = map[string]string{"buster": "10", "bullseye": "11", "bookworm": "12", "trixie": "13", "forky": "14"}

// FromPurl reads a package's identity from its purl: pkg:pypi/NAME@VERSION, or
// pkg:deb/debian/NAME@VERSION with arch, distro (debian-12, debian-12.7 or bookworm) and
// upstream (SOURCE or SOURCE@VERSION). ok is false for types other than pypi and deb.
func FromPurl(s string) (p Package, distro string, ok bool, err error) {
	u, err := packageurl.FromString(s)
	if err != nil {
		return Package{}, "", false, fmt.Errorf("purl %q: %w", s, err)
	}
	if u.Version == "" && (u.Type == packageurl.TypePyPi || u.Type == packageurl.TypeDebian) {
		return Package{}, "", false, fmt.Errorf("purl %q: no version", s)
	}
	q := u.Qualifiers.Map()
	switch u.Type {
	case packageurl.TypePyPi:
		return Package{Type: TypePyPI, Name: pep503.Normalize(u.Name), Version: u.Version, Purl: s}, "", true, nil
	case packageurl.TypeDebian:
		p := Package{Type: TypeDeb, Name: u.Name, Version: u.Version, Purl: s, Arch: q["arch"], Source: u.Name, SourceVersion: u.Version}
		if up := q["upstream"]; up != "" {
			name, version, hasVersion := strings.Cut(up, "@")
			p.Source = name
			if hasVersion {
				p.SourceVersion = version
			}
		}
		return p, debianRelease(q["distro"]), true, nil
	}
	return Package{}, "", false, nil
}

// debianRelease turns a purl distro qualifier into Debian's major release: "debian-12.7" and
// "bookworm" give "12"; "" gives "".
func debianRelease(distro string) string {
	if v, ok := debianCodenames[distro]; ok {
		return v
	}
	v := strings.TrimPrefix(distro, "debian-")
	major, _, _ := strings.Cut(v, ".")
	return major
}
