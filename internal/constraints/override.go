package constraints

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/citadel-build/citadel/internal/jsonfile"
	"github.com/citadel-build/citadel/internal/pep440"
	"github.com/citadel-build/citadel/internal/pep503"
	"github.com/citadel-build/citadel/internal/pep508"
)

// Op is what an override does.
type Op string

const (
	OpPin    Op = "pin"    // replace an upstream pin
	OpRemove Op = "remove" // delete a package's lines
	OpAdd    Op = "add"    // append a requirement line for a package upstream does not pin
)

// Override is one typed change to a constraints file. Its JSON form is what the Bazel rule
// writes (see tools/private/release.bzl) and what --overrides reads.
type Override struct {
	Op          Op       `json:"op"`
	Package     string   `json:"package,omitempty"`
	Expect      string   `json:"expect,omitempty"`      // pin and remove: the upstream pin it must find
	Version     string   `json:"version,omitempty"`     // pin: the new pin
	Requirement string   `json:"requirement,omitempty"` // add: a PEP 508 line
	Marker      string   `json:"marker,omitempty"`      // pin and remove: only the line with this marker
	Downgrade   bool     `json:"downgrade,omitempty"`   // pin: allow a lower version
	Advisories  []string `json:"advisories,omitempty"`
	Reason      string   `json:"reason"`
	// Where is the declaration's file:line, for messages; not part of the JSON form.
	Where string `json:"-"`
}

// advisoryID accepts the id schemes OSV aliases use: CVE-2023-0286, GHSA-x4qr-2fvf-3mr5,
// PYSEC-2023-11, OSV-2020-111, RUSTSEC-..., DSA-5417-1, DLA-..., and similar.
var advisoryID = regexp.MustCompile(`^[A-Z][A-Z0-9]*-[0-9A-Za-z]+(-[0-9A-Za-z]+)*$`)

// DecodeOverrides reads the JSON array written by the Bazel rule. Unknown fields are errors, so
// a typo cannot silently drop a check.
func DecodeOverrides(name string, data []byte) ([]Override, error) {
	var ovs []Override
	if err := jsonfile.Unmarshal(name, data, &ovs); err != nil {
		return nil, fmt.Errorf("want a JSON array of overrides: %w", err)
	}
	for i := range ovs {
		if ovs[i].Where == "" {
			ovs[i].Where = fmt.Sprintf("%s: override #%d", name, i+1)
		}
	}
	return ovs, nil
}

// subject is the package an override is about, normalised.
func (o Override) subject() string {
	if o.Op == OpAdd {
		if r, err := pep508.ParseRequirement(o.Requirement); err == nil {
			return pep503.Normalize(r.Name)
		}
		return o.Requirement
	}
	return pep503.Normalize(o.Package)
}

func (o Override) describe() string {
	switch o.Op {
	case OpAdd:
		return fmt.Sprintf("add %q", o.Requirement)
	case OpPin, OpRemove:
		s := string(o.Op) + " " + o.Package
		if o.Marker != "" {
			s += " [" + o.Marker + "]"
		}
		return s
	}
	return fmt.Sprintf("%q %s", o.Op, o.Package)
}

// validate checks an override on its own, before it meets a constraints file.
func (o Override) validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if o.Reason == "" {
		bad("reason is empty: say why, for reviewers")
	}
	for _, a := range o.Advisories {
		if !advisoryID.MatchString(a) {
			bad("advisory %q is not an id such as CVE-2023-0286 or GHSA-x4qr-2fvf-3mr5", a)
		}
	}
	switch o.Op {
	case OpPin, OpRemove:
		if !pep503.Valid(o.Package) {
			bad("package %q is not a valid distribution name", o.Package)
		}
		if o.Op == OpPin || o.Expect != "" {
			if _, err := pep440.Parse(o.Expect); err != nil {
				bad("expect %q is not a PEP 440 version", o.Expect)
			}
		}
		if o.Op == OpPin {
			if _, err := pep440.Parse(o.Version); err != nil {
				bad("version %q is not a PEP 440 version", o.Version)
			}
		} else if o.Version != "" || o.Downgrade {
			bad("remove takes no version or downgrade")
		}
		if o.Marker != "" {
			if _, err := pep508.ParseMarker(o.Marker); err != nil {
				bad("marker %q: %v", o.Marker, err)
			}
		}
		if o.Requirement != "" {
			bad("requirement is only for add")
		}
	case OpAdd:
		if _, err := pep508.ParseRequirement(o.Requirement); err != nil {
			bad("requirement %q is not a PEP 508 requirement: %v", o.Requirement, err)
		}
		if o.Package != "" || o.Expect != "" || o.Version != "" || o.Marker != "" || o.Downgrade {
			bad("add takes only requirement, reason and advisories")
		}
	default:
		bad("op %q: want pin, remove or add", o.Op)
	}
	return errors.Join(errs...)
}
