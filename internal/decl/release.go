// Package decl loads Citadel's declarations from Bazel files with buildtools: releases
// (openstack_release in releases/<name>/BUILD.bazel, with the upstream inputs they pin in
// MODULE.bazel) and images (openstack_image in images/<service>/BUILD.bazel).
package decl

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/citadel-build/citadel/internal/constraints"
	"github.com/citadel-build/citadel/internal/scan"
	"github.com/citadel-build/citadel/internal/workspace"
)

// The symbols the BUILD files must load for us to recognise a declaration.
const (
	defsBzl       = "//tools:defs.bzl"
	releaseSymbol = defsBzl + "%openstack_release"
)

// Release is one declared OpenStack release.
type Release struct {
	Label         workspace.Label
	Name          string
	Constraints   Upstream // the pinned upstream upper-constraints
	PythonVersion string   // target CPython, e.g. "3.11.2"
	Platform      string   // target wheel platform, e.g. "manylinux_2_36_x86_64"
	Overrides     []constraints.Override
	Base          *Base // the base image, if the release declares one
	// Policy is the vulnerability gate (scan_policy = scan.policy(...)); DefaultPolicy if the
	// release declares none.
	Policy scan.Policy
	Where  string // file:line of the declaration
}

// Base is a base image pinned by digest: an oci.pull of rules_oci in MODULE.bazel.
type Base struct {
	Repo   string // the repository name, e.g. debian_bookworm
	Image  string // registry and repository, e.g. localhost:5000/citadel/debian-bookworm
	Digest string // sha256:…, of an image manifest or a multi-platform index
	Where  string // file:line of the oci.pull
}

// Ref is the reference the base is pulled by.
func (b *Base) Ref() string { return b.Image + "@" + b.Digest }

// Upstream is a file pinned by URL and sha256 (an http_file in MODULE.bazel).
type Upstream struct {
	Repo   string // the repository name, e.g. upper_constraints_2023_1
	URL    string
	SHA256 string
}

var (
	pythonVersion = regexp.MustCompile(`^3\.[0-9]+\.[0-9]+$`)
	platformTag   = regexp.MustCompile(`^(manylinux_[0-9]+_[0-9]+|musllinux_[0-9]+_[0-9]+)_(x86_64|aarch64|i686|ppc64le|s390x|armv7l)$`)
	sha256Hex     = regexp.MustCompile(`^[0-9a-f]{64}$`)
	repoFileLabel = regexp.MustCompile(`^@([A-Za-z0-9_.~-]+)//file(:[A-Za-z0-9_.-]+)?$`)
	repoLabel     = regexp.MustCompile(`^@([A-Za-z0-9_.~-]+)(//:([A-Za-z0-9_.~-]+))?$`)
	imageDigest   = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
	imageName     = regexp.MustCompile(`^[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)+$`)
)

// releaseAttrs are the arguments of openstack_release: the rule's public attributes and the
// common ones.
var releaseAttrs = []string{"name", "constraints", "overrides", "python_version", "platform", "base", "scan_policy", "visibility", "tags"}

// DefaultPolicy is the gate of a release that declares none (the Starlark attribute's default):
// fail on HIGH and CRITICAL, unfixed included, nothing waived.
var DefaultPolicy = scan.Policy{Severity: scan.High}

// LoadRelease reads the release declared at label.
func LoadRelease(ctx context.Context, ws *workspace.Workspace, label workspace.Label) (*Release, error) {
	c, err := ws.Target(ctx, label)
	if err != nil {
		return nil, err
	}
	if c.Symbol != releaseSymbol {
		return nil, fmt.Errorf("%s: %s is a %s, not an openstack_release loaded from %s", c.Where(), label, c.Callee, defsBzl)
	}
	r := &Release{Label: label, Name: label.Name, Where: c.Where()}
	var errs []error
	if err := checkAttrs(c, releaseAttrs...); err != nil {
		errs = append(errs, err)
	}
	constraintsLabel, err := required(c, "constraints")
	errs = append(errs, err)
	r.PythonVersion, err = required(c, "python_version")
	errs = append(errs, err)
	if err == nil && !pythonVersion.MatchString(r.PythonVersion) {
		errs = append(errs, fmt.Errorf("%s: python_version %q: want major.minor.micro, e.g. 3.11.2", c.Where(), r.PythonVersion))
	}
	r.Platform, err = required(c, "platform")
	errs = append(errs, err)
	if err == nil && !platformTag.MatchString(r.Platform) {
		errs = append(errs, fmt.Errorf("%s: platform %q: want a wheel platform tag such as manylinux_2_36_x86_64", c.Where(), r.Platform))
	}
	r.Overrides, err = overrides(c)
	errs = append(errs, err)
	if constraintsLabel != "" {
		r.Constraints, err = upstream(ctx, ws, c, constraintsLabel)
		errs = append(errs, err)
	}
	if baseLabel, ok, err := c.String("base"); err != nil {
		errs = append(errs, err)
	} else if ok {
		r.Base, err = base(ctx, ws, c, baseLabel)
		errs = append(errs, err)
	}
	r.Policy = DefaultPolicy
	if pc, ok, err := c.Call("scan_policy"); err != nil {
		errs = append(errs, err)
	} else if ok {
		r.Policy, err = policy(pc)
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("release %s: %w", label, err)
	}
	return r, nil
}

// policyArgs and waiverArgs are the parameters of scan.policy and scan.waiver, in the order of
// their Starlark definitions.
var (
	policyArgs = []string{"severity", "ignore_unfixed", "waivers"}
	waiverArgs = []string{"id", "package", "justification", "expires", "owner", "vex_justification"}
)

// policy decodes scan.policy(...) into the policy the Bazel rule serialises to JSON.
func policy(c *workspace.Call) (scan.Policy, error) {
	p := DefaultPolicy
	if c.Symbol != defsBzl+"%scan.policy" {
		return p, fmt.Errorf("%s: %s: want scan.policy loaded from %s", c.Where(), c.Callee, defsBzl)
	}
	if err := checkAttrs(c, policyArgs...); err != nil {
		return p, err
	}
	var errs []error
	if s, ok, err := c.String("severity"); err != nil {
		errs = append(errs, err)
	} else if ok {
		if p.Severity, err = scan.ParseLevel(s); err != nil {
			errs = append(errs, fmt.Errorf("%s: scan.policy: %w", c.Where(), err))
		}
	}
	var err error
	p.IgnoreUnfixed, _, err = c.Bool("ignore_unfixed")
	errs = append(errs, err)
	calls, _, err := c.CallList("waivers")
	errs = append(errs, err)
	for _, wc := range calls {
		if wc.Symbol != defsBzl+"%scan.waiver" {
			errs = append(errs, fmt.Errorf("%s: %s: want scan.waiver loaded from %s", wc.Where(), wc.Callee, defsBzl))
			continue
		}
		if err := checkAttrs(wc, waiverArgs...); err != nil {
			errs = append(errs, err)
			continue
		}
		w := scan.Waiver{Where: wc.Where()}
		for _, f := range []struct {
			attr string
			dst  *string
		}{{"id", &w.ID}, {"package", &w.Package}, {"justification", &w.Justification}, {"expires", &w.Expires}, {"owner", &w.Owner}, {"vex_justification", &w.VEXJustification}} {
			*f.dst, _, err = wc.String(f.attr)
			errs = append(errs, err)
		}
		p.Waivers = append(p.Waivers, w)
	}
	return p, errors.Join(append(errs, p.Check())...)
}

// base resolves "@repo" through MODULE.bazel's oci.pull of that name, which must pin a digest.
func base(ctx context.Context, ws *workspace.Workspace, c *workspace.Call, label string) (*Base, error) {
	m := repoLabel.FindStringSubmatch(label)
	if m == nil || (m[3] != "" && m[3] != m[1]) {
		return nil, fmt.Errorf("%s: base %q: want the label of an oci.pull in MODULE.bazel, e.g. @debian_bookworm", c.Where(), label)
	}
	b, err := OCIPull(ctx, ws, m[1])
	if err != nil {
		return nil, fmt.Errorf("%s: base %q: %w", c.Where(), label, err)
	}
	return b, nil
}

// OCIPull resolves the oci.pull (rules_oci) named repo in MODULE.bazel: an image pinned by
// digest. A tag alone is refused.
func OCIPull(ctx context.Context, ws *workspace.Workspace, name string) (*Base, error) {
	repo, err := ws.Repo(ctx, name)
	if err != nil {
		return nil, err
	}
	if repo.Callee != "oci.pull" {
		return nil, fmt.Errorf("%s: repository %s is a %s, want an oci.pull (rules_oci)", repo.Where(), name, repo.Callee)
	}
	b := &Base{Repo: name, Where: repo.Where()}
	var errs []error
	for _, f := range []struct {
		attr string
		dst  *string
	}{{"image", &b.Image}, {"digest", &b.Digest}} {
		s, _, err := repo.String(f.attr)
		errs = append(errs, err)
		*f.dst = s
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if !imageName.MatchString(b.Image) {
		return nil, fmt.Errorf("%s: oci.pull %s: image %q: want REGISTRY/REPOSITORY without tag or digest", repo.Where(), name, b.Image)
	}
	if !imageDigest.MatchString(b.Digest) {
		tag, _, _ := repo.String("tag")
		return nil, fmt.Errorf("%s: oci.pull %s: digest %q (tag %q): want sha256:<64 lowercase hex digits>; a tag alone can be moved, so bases are pinned by digest", repo.Where(), name, b.Digest, tag)
	}
	return b, nil
}

func required(c *workspace.Call, attr string) (string, error) {
	s, ok, err := c.String(attr)
	if err != nil {
		return "", err
	}
	if !ok || s == "" {
		return "", fmt.Errorf("%s: %s: missing %s", c.Where(), c.Callee, attr)
	}
	return s, nil
}

func checkAttrs(c *workspace.Call, allowed ...string) error {
	var unknown []string
	for _, a := range c.Attrs() {
		if !slices.Contains(allowed, a) {
			unknown = append(unknown, a)
		}
	}
	if n := c.Positional(); n > 0 {
		return fmt.Errorf("%s: %s: %d positional argument(s): use keyword arguments", c.Where(), c.Callee, n)
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	return fmt.Errorf("%s: %s: unknown argument(s) %s (allowed: %s)", c.Where(), c.Callee, strings.Join(unknown, ", "), strings.Join(allowed, ", "))
}

// upstream resolves the constraints label of a release through MODULE.bazel.
func upstream(ctx context.Context, ws *workspace.Workspace, c *workspace.Call, label string) (Upstream, error) {
	u, err := HTTPFile(ctx, ws, label)
	if err != nil {
		return Upstream{}, fmt.Errorf("%s: constraints %w", c.Where(), err)
	}
	return u, nil
}

// HTTPFile resolves "@repo//file" through MODULE.bazel's http_file of that name: a file pinned by
// URL and sha256, such as an upstream upper-constraints or a vulnerability database snapshot.
func HTTPFile(ctx context.Context, ws *workspace.Workspace, label string) (Upstream, error) {
	m := repoFileLabel.FindStringSubmatch(label)
	if m == nil {
		return Upstream{}, fmt.Errorf("%q: want the label of an http_file pinned in MODULE.bazel, e.g. @upper_constraints_2023_1//file", label)
	}
	repo, err := ws.Repo(ctx, m[1])
	if err != nil {
		return Upstream{}, fmt.Errorf("%q: %w", label, err)
	}
	if repo.Callee != "http_file" {
		return Upstream{}, fmt.Errorf("%s: repository %s is a %s, want an http_file", repo.Where(), m[1], repo.Callee)
	}
	urls, _, err := repo.StringList("urls")
	if err != nil {
		return Upstream{}, err
	}
	if len(urls) == 0 {
		if u, ok, _ := repo.String("url"); ok {
			urls = []string{u}
		}
	}
	sha, _, err := repo.String("sha256")
	if err != nil {
		return Upstream{}, err
	}
	if len(urls) == 0 || !sha256Hex.MatchString(sha) {
		return Upstream{}, fmt.Errorf("%s: http_file %s: want urls and a lowercase hex sha256 (got %d urls, sha256 %q)", repo.Where(), m[1], len(urls), sha)
	}
	return Upstream{Repo: m[1], URL: urls[0], SHA256: sha}, nil
}

// overrides decodes override.pin / override.remove / override.add calls into the same typed
// values the Bazel rule serialises to JSON.
func overrides(c *workspace.Call) ([]constraints.Override, error) {
	calls, _, err := c.CallList("overrides")
	if err != nil {
		return nil, err
	}
	var out []constraints.Override
	var errs []error
	for _, oc := range calls {
		o, err := override(oc)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, o)
	}
	return out, errors.Join(errs...)
}

// overrideKinds maps each override function of //tools:defs.bzl to its op and the keyword
// arguments it takes, in the order of the Starlark definition.
var overrideKinds = map[string]struct {
	op   constraints.Op
	args []string
}{
	"override.pin":    {constraints.OpPin, []string{"package", "expect", "version", "reason", "advisories", "marker", "downgrade"}},
	"override.remove": {constraints.OpRemove, []string{"package", "reason", "expect", "marker"}},
	"override.add":    {constraints.OpAdd, []string{"requirement", "reason", "advisories"}},
}

func override(c *workspace.Call) (constraints.Override, error) {
	o := constraints.Override{Where: c.Where()}
	kind, ok := overrideKinds[strings.TrimPrefix(c.Symbol, defsBzl+"%")]
	if !ok || !strings.HasPrefix(c.Symbol, defsBzl+"%") {
		return o, fmt.Errorf("%s: %s: want override.pin, override.remove or override.add loaded from %s", c.Where(), c.Callee, defsBzl)
	}
	o.Op = kind.op
	if err := checkAttrs(c, kind.args...); err != nil {
		return o, err
	}
	var errs []error
	str := func(attr string, dst *string) {
		s, _, err := c.String(attr)
		errs = append(errs, err)
		*dst = s
	}
	str("package", &o.Package)
	str("expect", &o.Expect)
	str("version", &o.Version)
	str("requirement", &o.Requirement)
	str("marker", &o.Marker)
	str("reason", &o.Reason)
	var err error
	o.Advisories, _, err = c.StringList("advisories")
	errs = append(errs, err)
	o.Downgrade, _, err = c.Bool("downgrade")
	errs = append(errs, err)
	return o, errors.Join(errs...)
}
