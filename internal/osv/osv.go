// Package osv reads vulnerability databases in the Open Source Vulnerability format
// (https://ossf.github.io/osv-schema/): the per-ecosystem all.zip exports, directories of OSV
// JSON files, or single files; and decides which versions of a package an entry affects.
package osv

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Vulnerability is one OSV entry, with the fields matching and reporting use.
type Vulnerability struct {
	SchemaVersion string      `json:"schema_version,omitempty"`
	ID            string      `json:"id"`
	Modified      string      `json:"modified"`
	Published     string      `json:"published,omitempty"`
	Withdrawn     string      `json:"withdrawn,omitempty"`
	Aliases       []string    `json:"aliases,omitempty"`
	Upstream      []string    `json:"upstream,omitempty"`
	Related       []string    `json:"related,omitempty"`
	Summary       string      `json:"summary,omitempty"`
	Details       string      `json:"details,omitempty"`
	Severity      []Severity  `json:"severity,omitempty"`
	Affected      []Affected  `json:"affected,omitempty"`
	References    []Reference `json:"references,omitempty"`
	// DatabaseSpecific holds, for GitHub's advisories, the textual severity.
	DatabaseSpecific *DatabaseSpecific `json:"database_specific,omitempty"`
}

// Severity is a scored severity: type CVSS_V2, CVSS_V3, CVSS_V4 or Ubuntu, score the vector.
type Severity struct {
	Type  string `json:"type"`
	Score string `json:"score"`
}

// DatabaseSpecific is the part of database_specific that GitHub's and others' entries use for a
// textual severity (LOW, MODERATE, HIGH, CRITICAL).
type DatabaseSpecific struct {
	Severity string `json:"severity,omitempty"`
}

// Affected is one affected package with its ranges and versions.
type Affected struct {
	Package           Package            `json:"package"`
	Severity          []Severity         `json:"severity,omitempty"`
	Ranges            []Range            `json:"ranges,omitempty"`
	Versions          []string           `json:"versions,omitempty"`
	EcosystemSpecific *EcosystemSpecific `json:"ecosystem_specific,omitempty"`
}

// EcosystemSpecific is the part of ecosystem_specific Debian's entries use: the security
// tracker's urgency (unimportant, low, medium, high, …).
type EcosystemSpecific struct {
	Urgency string `json:"urgency,omitempty"`
}

// Package names a package in an ecosystem, e.g. {PyPI, urllib3} or {Debian:12, glibc}.
type Package struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	Purl      string `json:"purl,omitempty"`
}

// Range is a list of version events: the versions from each introduced up to (not including) the
// next fixed, or up to and including last_affected, are affected.
type Range struct {
	Type   string  `json:"type"` // ECOSYSTEM, SEMVER or GIT
	Repo   string  `json:"repo,omitempty"`
	Events []Event `json:"events"`
}

// Event is one of introduced, fixed, last_affected or limit.
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}

// Reference is a link about the vulnerability.
type Reference struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

var (
	idPattern        = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.+_-]*-[A-Za-z0-9.:_-]+$`)
	timestampPattern = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$`)
)

// Parse decodes one OSV entry and checks what matching relies on: an id, timestamps, and for
// each affected package an ecosystem, a name and well-formed ranges. name says where the entry
// is, in errors.
func Parse(name string, data []byte) (*Vulnerability, error) {
	var v Vulnerability
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := v.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &v, nil
}

func (v *Vulnerability) check() error {
	if !idPattern.MatchString(v.ID) {
		return fmt.Errorf("id %q: want PREFIX-ID, e.g. GHSA-xxxx-xxxx-xxxx or CVE-2023-1234", v.ID)
	}
	for _, ts := range []struct{ field, value string }{{"modified", v.Modified}, {"published", v.Published}, {"withdrawn", v.Withdrawn}} {
		if (ts.value != "" || ts.field == "modified") && !timestampPattern.MatchString(ts.value) {
			return fmt.Errorf("%s: %s %q: want an RFC 3339 time in UTC", v.ID, ts.field, ts.value)
		}
	}
	for i, a := range v.Affected {
		if a.Package.Ecosystem == "" || a.Package.Name == "" {
			if a.Package.Purl == "" {
				return fmt.Errorf("%s: affected[%d]: want a package with ecosystem and name", v.ID, i)
			}
			continue // identified by purl only: not matched by name
		}
		for j, r := range a.Ranges {
			if err := r.check(); err != nil {
				return fmt.Errorf("%s: affected[%d] (%s %s): ranges[%d]: %w", v.ID, i, a.Package.Ecosystem, a.Package.Name, j, err)
			}
		}
	}
	return nil
}

func (r Range) check() error {
	switch r.Type {
	case "ECOSYSTEM", "SEMVER", "GIT":
	default:
		return fmt.Errorf("type %q: want ECOSYSTEM, SEMVER or GIT", r.Type)
	}
	if len(r.Events) == 0 {
		return fmt.Errorf("no events")
	}
	introduced := false
	for k, e := range r.Events {
		n := 0
		for _, s := range []string{e.Introduced, e.Fixed, e.LastAffected, e.Limit} {
			if s != "" {
				n++
			}
		}
		if n != 1 {
			return fmt.Errorf("events[%d]: want exactly one of introduced, fixed, last_affected, limit", k)
		}
		introduced = introduced || e.Introduced != ""
	}
	if !introduced {
		return fmt.Errorf("no introduced event")
	}
	return nil
}

// IDs are the entry's id and every alias and upstream id, the names it is known by.
func (v *Vulnerability) IDs() []string {
	out := append([]string{v.ID}, v.Aliases...)
	return append(out, v.Upstream...)
}

// Ecosystem splits "Debian:12" into its base "Debian" and release "12".
func Ecosystem(s string) (base, release string) {
	base, release, _ = strings.Cut(s, ":")
	return base, release
}
