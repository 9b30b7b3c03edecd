package scan

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/citadel-build/citadel/internal/osv"
	"github.com/citadel-build/citadel/internal/sbom"
)

// Control is a package version every complete database must find a given advisory in. Each is a
// long-published fact, so a database that misses one is empty, truncated, of the wrong
// ecosystem or unreadable by our matcher — and a scan against it would pass for no reason.
type Control struct {
	Package sbom.Package
	Want    string // an id or alias the finding must carry
}

// Controls are the positive controls, one per ecosystem and release images are scanned for.
var Controls = []Control{
	{sbom.Package{Type: sbom.TypePyPI, Name: "urllib3", Version: "1.26.12", Purl: "pkg:pypi/urllib3@1.26.12"}, "CVE-2023-43804"},
	{sbom.Package{Type: sbom.TypeDeb, Name: "libc6", Version: "2.36-9+deb12u2", Source: "glibc", SourceVersion: "2.36-9+deb12u2",
		Release: "12", Arch: "amd64", Purl: "pkg:deb/debian/libc6@2.36-9%2Bdeb12u2?arch=amd64&distro=debian-12&upstream=glibc"}, "CVE-2023-4911"},
}

// CheckControls runs, for each ecosystem and release the document's packages are from, that
// ecosystem's control through the same matcher as the scan; any control not found, or an
// ecosystem without a control, is an error.
func CheckControls(db *osv.DB, doc *sbom.Document) error {
	needed := map[string]bool{}
	for _, p := range doc.Packages {
		if t, ok, err := targetOf(p, doc.OS); err == nil && ok {
			needed[t.ecosystem+":"+t.release] = true
		}
	}
	var problems []string
	for _, key := range slices.Sorted(maps.Keys(needed)) {
		i := slices.IndexFunc(Controls, func(c Control) bool {
			t, _, _ := targetOf(c.Package, nil)
			return t.ecosystem+":"+t.release == key
		})
		name := strings.TrimSuffix(key, ":")
		if i < 0 {
			problems = append(problems, fmt.Sprintf("no positive control is known for %s, so the database cannot be checked for it", name))
			continue
		}
		c := Controls[i]
		found, err := Match(db, &sbom.Document{Packages: []sbom.Package{c.Package}})
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(found, func(f Finding) bool { return slices.Contains(f.IDs, c.Want) }) {
			problems = append(problems, fmt.Sprintf("%s: %s %s must match %s, but the database finds %s", name, c.Package.Name, c.Package.Version, c.Want, describeIDs(found)))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("vulnerability database failed its positive controls (is it empty, truncated or of another ecosystem?):\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

func describeIDs(fs []Finding) string {
	if len(fs) == 0 {
		return "nothing"
	}
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.ID)
	}
	return strings.Join(ids, ", ")
}
