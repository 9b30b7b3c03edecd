// Package lock resolves an image's root packages against a release's patched constraints for a
// target Python and platform, and reads and writes the committed lock file: every package with
// its version, the file chosen for the target, its sha256 and size, and its dependency edges.
package lock

import (
	"fmt"
	"slices"
	"strings"

	"github.com/citadel-build/citadel/internal/jsonfile"
)

// FormatVersion is the lock file format written by this package.
const FormatVersion = 1

// Lock is the committed result of resolving one image for one target.
type Lock struct {
	FormatVersion int       `json:"lock_version"`
	Image         string    `json:"image"`
	Inputs        Inputs    `json:"inputs"`
	Packages      []Package `json:"packages"`
}

// Inputs are everything the resolution depended on, for review and for --check. Package indexes
// are deliberately absent: files are pinned by sha256, so any index or mirror serving the same
// bytes gives the same lock.
type Inputs struct {
	Roots       []string   `json:"roots"`
	Pins        []string   `json:"pins,omitempty"`
	Release     string     `json:"release"`
	Constraints Provenance `json:"constraints"`
	Overrides   []Override `json:"overrides"`
	Target      Target     `json:"target"`
	// AllowUnpinned records that packages the constraints do not pin were resolved to the newest
	// version satisfying every specifier.
	AllowUnpinned bool `json:"allow_unpinned,omitempty"`
}

// Provenance identifies the constraints the lock was resolved against.
type Provenance struct {
	UpstreamURL    string `json:"upstream_url,omitempty"`
	UpstreamSHA256 string `json:"upstream_sha256"`
	PatchedSHA256  string `json:"patched_sha256"`
}

// Override is an applied constraints override, as recorded in the lock.
type Override struct {
	Op         string   `json:"op"`
	Package    string   `json:"package"`
	From       string   `json:"from,omitempty"`
	To         string   `json:"to,omitempty"`
	Advisories []string `json:"advisories"`
}

// Package is one locked distribution.
type Package struct {
	Name           string   `json:"name"` // PEP 503 normalised
	Version        string   `json:"version"`
	Root           bool     `json:"root,omitempty"`
	Extras         []string `json:"extras,omitempty"` // extras requested of this package
	Filename       string   `json:"filename"`
	SHA256         string   `json:"sha256"`
	Size           int64    `json:"size"`
	RequiresPython string   `json:"requires_python,omitempty"`
	License        string   `json:"license,omitempty"`
	// NeedsBuild marks an sdist: the index has no wheel of this version for the target.
	NeedsBuild   bool   `json:"needs_build,omitempty"`
	Yanked       string `json:"yanked,omitempty"` // the yank reason ("yanked" if none was given)
	Pinned       string `json:"pinned_by"`        // "constraints", "root" or "newest" (--allow-unpinned)
	Dependencies []Edge `json:"dependencies"`
}

// Edge is one dependency of a package on the target.
type Edge struct {
	Name        string `json:"name"`        // normalised
	Requirement string `json:"requirement"` // the Requires-Dist entry as declared
	// Extra is the extra of the depending package that brought this edge in ("" for the base).
	Extra string `json:"extra,omitempty"`
}

// Marshal renders the lock deterministically: packages sorted by name, edges by name, two-space
// JSON, a final newline, no HTML escaping (requirements contain < and >).
func (l *Lock) Marshal() ([]byte, error) {
	c := *l
	c.Packages = slices.Clone(l.Packages)
	slices.SortFunc(c.Packages, func(a, b Package) int { return strings.Compare(a.Name, b.Name) })
	for i := range c.Packages {
		p := &c.Packages[i]
		p.Dependencies = slices.Clone(p.Dependencies)
		slices.SortFunc(p.Dependencies, func(a, b Edge) int {
			return cmpStrings(a.Name, b.Name, a.Extra, b.Extra, a.Requirement, b.Requirement)
		})
		if p.Dependencies == nil {
			p.Dependencies = []Edge{}
		}
	}
	if c.Inputs.Overrides == nil {
		c.Inputs.Overrides = []Override{}
	}
	return jsonfile.Marshal(c)
}

func cmpStrings(pairs ...string) int {
	for i := 0; i+1 < len(pairs); i += 2 {
		if c := strings.Compare(pairs[i], pairs[i+1]); c != 0 {
			return c
		}
	}
	return 0
}

// Unmarshal reads a lock file, rejecting unknown fields and other format versions.
func Unmarshal(name string, data []byte) (*Lock, error) {
	var l Lock
	if err := jsonfile.Unmarshal(name, data, &l); err != nil {
		return nil, fmt.Errorf("lock file %w", err)
	}
	if l.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("lock file %s: lock_version %d, this citadel reads %d", name, l.FormatVersion, FormatVersion)
	}
	for _, p := range l.Packages {
		if p.Name == "" || p.Version == "" || p.Filename == "" || len(p.SHA256) != 64 {
			return nil, fmt.Errorf("lock file %s: package %q %q: name, version, filename and a 64-digit sha256 are required", name, p.Name, p.Version)
		}
	}
	return &l, nil
}

// Package returns the locked package of that normalised name.
func (l *Lock) Package(name string) (Package, bool) {
	for _, p := range l.Packages {
		if p.Name == name {
			return p, true
		}
	}
	return Package{}, false
}
