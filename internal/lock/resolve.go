package lock

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/citadel-build/citadel/internal/constraints"
	"github.com/citadel-build/citadel/internal/coremetadata"
	"github.com/citadel-build/citadel/internal/fetch"
	"github.com/citadel-build/citadel/internal/pep425"
	"github.com/citadel-build/citadel/internal/pep440"
	"github.com/citadel-build/citadel/internal/pep503"
	"github.com/citadel-build/citadel/internal/pep508"
	"github.com/citadel-build/citadel/internal/simpleindex"
)

// Index is the package index as the resolver needs it; *simpleindex.Client implements it.
type Index interface {
	Project(ctx context.Context, name string) (*simpleindex.Project, error)
	Metadata(ctx context.Context, f simpleindex.File) ([]byte, error)
}

// Fetcher obtains files by sha256; *fetch.Fetcher implements it. Used for the metadata of
// wheels without PEP 658 metadata and of sdists, and to cache PEP 658 metadata by hash.
type Fetcher interface {
	Fetch(ctx context.Context, w fetch.Want) (string, error)
}

// Request is what to resolve.
type Request struct {
	Image string
	Roots []string // PEP 508 requirements, e.g. "horizon" or "keystone[ldap]==25.0.0"
	// Pins are the image's own exact pins ("certifi==2024.7.4") for packages the constraints
	// leave unpinned.
	Pins        []string
	Release     string
	Constraints *constraints.File // the patched constraints
	Provenance  Provenance
	Overrides   []Override
	Target      Target
	// AllowUnpinned resolves a dependency the constraints do not pin to the newest version that
	// satisfies every specifier seen for it, instead of failing.
	AllowUnpinned bool
	// Concurrency bounds parallel index requests (default 8).
	Concurrency int
	// Progress, if set, is called after each package's metadata is read.
	Progress func(done, total int, name string)
}

// Inputs are what a lock resolved from req records of it.
func (req Request) Inputs() Inputs {
	return Inputs{
		Roots:         req.Roots,
		Pins:          req.Pins,
		Release:       req.Release,
		Constraints:   req.Provenance,
		Overrides:     req.Overrides,
		Target:        req.Target,
		AllowUnpinned: req.AllowUnpinned,
	}
}

// node is one package being resolved.
type node struct {
	key      string
	version  string
	pinnedBy string
	root     bool
	extras   map[string]bool
	parent   *node // first package that required it, for error chains
	file     simpleindex.File
	sdist    bool
	yanked   string
	meta     *coremetadata.Metadata
	reqs     []pep508.Requirement
	required []incoming // every edge into this node, checked against the chosen version
}

type incoming struct {
	from *node
	req  pep508.Requirement
}

func (n *node) chain() string {
	var parts []string
	for x := n; x != nil; x = x.parent {
		parts = append(parts, x.key+" "+x.version)
	}
	slices.Reverse(parts)
	return strings.Join(parts, " -> ")
}

type resolver struct {
	req   Request
	idx   Index
	fetch Fetcher
	t     *target
	nodes map[string]*node
	pins  map[string]string // normalised name -> version, from Request.Pins
	errs  []error
}

// readPins checks the image's pins: exact, and only for packages the constraints do not pin
// (those belong in a release override, where they are reviewed with the rest).
func (r *resolver) readPins() error {
	var errs []error
	for _, s := range r.req.Pins {
		rq, err := pep508.ParseRequirement(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("image %s: pin %q: %w", r.req.Image, s, err))
			continue
		}
		key := pep503.Normalize(rq.Name)
		v := exactPin(rq)
		switch {
		case v == "" || rq.Marker != nil || len(rq.Extras) > 0:
			errs = append(errs, fmt.Errorf("image %s: pin %q: want name==version", r.req.Image, s))
		case len(r.req.Constraints.Lookup(key)) > 0:
			errs = append(errs, fmt.Errorf("image %s: pin %q: %s is pinned by the constraints of %s; change it there with override.pin", r.req.Image, s, key, r.req.Release))
		case r.pins[key] != "":
			errs = append(errs, fmt.Errorf("image %s: pin %q: %s is pinned twice", r.req.Image, s, key))
		default:
			r.pins[key] = v
		}
	}
	return errors.Join(errs...)
}

// Resolve resolves the full dependency closure of the roots for the target. Every version is the
// constraints pin (or the root's own == pin); all problems found are reported together.
func Resolve(ctx context.Context, req Request, idx Index, f Fetcher) (*Lock, error) {
	t, err := prepare(req.Target)
	if err != nil {
		return nil, err
	}
	if req.Concurrency <= 0 {
		req.Concurrency = 8
	}
	r := &resolver{req: req, idx: idx, fetch: f, t: t, nodes: map[string]*node{}, pins: map[string]string{}}
	if err := r.readPins(); err != nil {
		return nil, err
	}
	var queue []*node
	for _, s := range req.Roots {
		rq, err := pep508.ParseRequirement(s)
		if err != nil {
			return nil, fmt.Errorf("image %s: root %q: %w", req.Image, s, err)
		}
		if n := r.visit(nil, rq); n != nil {
			queue = append(queue, n)
		}
	}
	if len(r.errs) > 0 {
		return nil, errors.Join(r.errs...)
	}
	done := 0
	for len(queue) > 0 {
		// Read every new package's metadata in parallel, then expand sequentially in a sorted
		// order, so the result never depends on timing.
		var fresh []*node
		for _, n := range queue {
			if n.meta == nil {
				fresh = append(fresh, n)
			}
		}
		if err := r.loadAll(ctx, fresh, &done); err != nil {
			return nil, err
		}
		sort.Slice(queue, func(i, j int) bool { return queue[i].key < queue[j].key })
		var next []*node
		seen := map[*node]bool{}
		for _, n := range queue {
			for _, m := range r.expand(n) {
				if !seen[m] {
					seen[m] = true
					next = append(next, m)
				}
			}
		}
		queue = next
	}
	r.checkEdges()
	if len(r.errs) > 0 {
		return nil, errors.Join(r.errs...)
	}
	return r.lock(), nil
}

// visit records a requirement of parent on rq.Name, returning the node if it needs (re)expanding:
// it is new, or the requirement asks for extras it did not have.
func (r *resolver) visit(parent *node, rq pep508.Requirement) *node {
	key := pep503.Normalize(rq.Name)
	n, ok := r.nodes[key]
	if !ok {
		n = &node{key: key, parent: parent, root: parent == nil, extras: map[string]bool{}}
		if err := r.choose(n, rq); err != nil {
			r.errs = append(r.errs, err)
			return nil
		}
		r.nodes[key] = n
	}
	if parent == nil {
		n.root = true
	}
	n.required = append(n.required, incoming{from: parent, req: rq})
	grew := !ok
	for _, e := range rq.Extras {
		e = pep503.Normalize(e)
		if !n.extras[e] {
			n.extras[e] = true
			grew = true
		}
	}
	if grew {
		return n
	}
	return nil
}

// choose sets the version of a new node: the constraints pin for the target, else a root's own
// exact pin, else (with AllowUnpinned) the newest acceptable version later, at load time.
func (r *resolver) choose(n *node, rq pep508.Requirement) error {
	var pins []constraints.Entry
	for _, e := range r.req.Constraints.Lookup(n.key) {
		if e.Requirement.Marker == nil || e.Requirement.Marker.Evaluate(r.t.env) {
			pins = append(pins, e)
		}
	}
	via := "the roots of " + r.req.Image
	if n.parent != nil {
		via = n.parent.chain()
	}
	switch {
	case len(pins) > 1:
		return fmt.Errorf("%s: constraints lines %d and %d both apply to python %s", n.key, pins[0].Line, pins[1].Line, r.t.PythonVersion)
	case len(pins) == 1 && pins[0].Pin == "":
		return fmt.Errorf("%s: constraints line %d does not pin a single version", n.key, pins[0].Line)
	case len(pins) == 1:
		n.version, n.pinnedBy = pins[0].Pin, "constraints"
	case r.pins[n.key] != "":
		n.version, n.pinnedBy = r.pins[n.key], "image"
	case n.parent == nil && exactPin(rq) != "":
		n.version, n.pinnedBy = exactPin(rq), "root"
	case r.req.AllowUnpinned:
		n.pinnedBy = "newest"
	default:
		return fmt.Errorf("%s is not pinned by the constraints of %s (required by %s as %q): pin it in the image (pins = [\"%s==VERSION\"]) or the release (override.add), or pass --allow-unpinned",
			n.key, r.req.Release, via, rq.String(), n.key)
	}
	return nil
}

func exactPin(rq pep508.Requirement) string {
	specs := rq.Specifier.Specifiers()
	if len(specs) == 1 && (specs[0].Operator == "==" || specs[0].Operator == "===") && !strings.HasSuffix(specs[0].Version, ".*") {
		return specs[0].Version
	}
	return ""
}

// expand evaluates n's Requires-Dist for the target and its extras and visits each dependency.
func (r *resolver) expand(n *node) []*node {
	if n.meta == nil {
		return nil
	}
	var out []*node
	for _, rq := range n.reqs {
		if _, ok := r.includes(n, rq); !ok {
			continue
		}
		if m := r.visit(n, rq); m != nil {
			out = append(out, m)
		}
	}
	return out
}

// includes evaluates a requirement's marker for the base package and then each requested extra,
// as pip does; it returns the extra that brought the requirement in ("" for the base).
func (r *resolver) includes(n *node, rq pep508.Requirement) (string, bool) {
	if rq.Marker == nil {
		return "", true
	}
	env := r.t.env
	env.Extra = ""
	if rq.Marker.Evaluate(env) {
		return "", true
	}
	for _, e := range sortedKeys(n.extras) {
		env.Extra = e
		if rq.Marker.Evaluate(env) {
			return e, true
		}
	}
	return "", false
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// loadAll reads the project pages and metadata of new nodes, at most Concurrency at once.
func (r *resolver) loadAll(ctx context.Context, nodes []*node, done *int) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, r.req.Concurrency)
	errs := make([]error, len(nodes))
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := len(r.nodes)
	for i, n := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = r.load(ctx, n)
			if r.req.Progress != nil {
				mu.Lock()
				*done++
				r.req.Progress(*done, total, n.key)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// load picks n's file for the target and reads its metadata. It runs concurrently with other
// loads and touches only n.
func (r *resolver) load(ctx context.Context, n *node) error {
	proj, err := r.idx.Project(ctx, n.key)
	if err != nil {
		return fmt.Errorf("%s (required by %s): %w", n.key, n.chainParent(), err)
	}
	if n.version == "" {
		if n.version, err = r.newest(proj, n); err != nil {
			return err
		}
	}
	if err := r.pickFile(proj, n); err != nil {
		return err
	}
	data, err := r.metadata(ctx, n)
	if err != nil {
		return fmt.Errorf("%s %s: metadata of %s: %w", n.key, n.version, n.file.Filename, err)
	}
	meta, err := coremetadata.Parse(data)
	if err != nil {
		return fmt.Errorf("%s %s: metadata of %s: %w", n.key, n.version, n.file.Filename, err)
	}
	if pep503.Normalize(meta.Name) != n.key || !pep440.SameVersion(meta.Version, n.version) {
		return fmt.Errorf("%s %s: metadata of %s names %s %s", n.key, n.version, n.file.Filename, meta.Name, meta.Version)
	}
	if ok, err := r.t.allowsPython(meta.RequiresPython); err != nil || !ok {
		return fmt.Errorf("%s %s: Requires-Python %q excludes python %s (%v)", n.key, n.version, meta.RequiresPython, r.t.PythonVersion, err)
	}
	for _, s := range meta.RequiresDist {
		rq, err := pep508.ParseRequirement(s)
		if err != nil {
			return fmt.Errorf("%s %s: Requires-Dist %q: %w", n.key, n.version, s, err)
		}
		n.reqs = append(n.reqs, rq)
	}
	n.meta = meta
	return nil
}

func (n *node) chainParent() string {
	if n.parent == nil {
		return "the image roots"
	}
	return n.parent.chain()
}

// pickFile chooses the best wheel of n.version for the target by PEP 425 tag order, or its sdist
// (flagged needs_build) when no wheel fits. Yanked files count only for exact pins (PEP 592).
func (r *resolver) pickFile(p *simpleindex.Project, n *node) error {
	var wheels []string
	var sdists []simpleindex.File
	byName := map[string]simpleindex.File{}
	var seen []string
	for _, f := range p.Files {
		version, wheel, ok := fileVersion(f.Filename)
		if !ok || !pep440.SameVersion(version, n.version) {
			continue
		}
		seen = append(seen, f.Filename)
		if f.Yanked && n.pinnedBy == "newest" {
			continue
		}
		if ok, _ := r.t.allowsPython(f.RequiresPython); !ok {
			continue
		}
		if wheel {
			wheels = append(wheels, f.Filename)
			byName[f.Filename] = f
		} else {
			sdists = append(sdists, f)
		}
	}
	if best, ok := r.t.ranking.BestWheel(wheels); ok {
		n.file = byName[best]
	} else if len(sdists) > 0 {
		// Prefer .tar.gz, the PEP 625 form, over legacy .zip.
		slices.SortFunc(sdists, func(a, b simpleindex.File) int {
			return cmpStrings(sdistRank(a.Filename), sdistRank(b.Filename), a.Filename, b.Filename)
		})
		n.file, n.sdist = sdists[0], true
	} else {
		if len(seen) == 0 {
			return fmt.Errorf("%s %s (required by %s): the index has no files of this version", n.key, n.version, n.chainParent())
		}
		return fmt.Errorf("%s %s (required by %s): no file fits python %s on %s; the index has: %s",
			n.key, n.version, n.chainParent(), r.t.PythonVersion, r.t.Platform, strings.Join(seen, ", "))
	}
	if n.file.SHA256 == "" {
		return fmt.Errorf("%s %s: the index gives no sha256 for %s", n.key, n.version, n.file.Filename)
	}
	if n.file.Yanked {
		n.yanked = n.file.YankedReason
		if n.yanked == "" {
			n.yanked = "yanked"
		}
	}
	return nil
}

func sdistRank(name string) string {
	if strings.HasSuffix(name, ".tar.gz") {
		return "0"
	}
	return "1"
}

// fileVersion returns the version in a wheel or sdist filename.
func fileVersion(filename string) (version string, wheel, ok bool) {
	if strings.HasSuffix(filename, ".whl") {
		w, err := pep425.ParseWheelFilename(filename)
		if err != nil {
			return "", false, false
		}
		return w.Version, true, true
	}
	_, v, err := pep425.ParseSdistFilename(filename)
	if err != nil {
		return "", false, false
	}
	return v, false, true
}

// newest picks, for --allow-unpinned, the highest non-yanked final version that satisfies every
// specifier seen for the package so far and has a file for the target.
func (r *resolver) newest(p *simpleindex.Project, n *node) (string, error) {
	var best *pep440.Version
	bestText := ""
	for _, f := range p.Files {
		v, _, ok := fileVersion(f.Filename)
		if !ok || f.Yanked {
			continue
		}
		pv, err := pep440.Parse(v)
		if err != nil || pv.IsPrerelease() {
			continue
		}
		fits := true
		for _, in := range n.required {
			if !in.req.Specifier.Contains(pv, nil) {
				fits = false
			}
		}
		if fits && (best == nil || pv.Compare(*best) > 0) {
			best, bestText = &pv, v
		}
	}
	if best == nil {
		return "", fmt.Errorf("%s (required by %s): no version satisfies %s", n.key, n.chainParent(), n.required[0].req.String())
	}
	return bestText, nil
}

// checkEdges verifies every requirement against the version chosen for its target.
func (r *resolver) checkEdges() {
	for _, key := range sortedNodeKeys(r.nodes) {
		n := r.nodes[key]
		v, err := pep440.Parse(n.version)
		if err != nil {
			// A === pin that is not PEP 440: only === specifiers can match it; trust the pin.
			continue
		}
		yes := true
		for _, in := range n.required {
			if !in.req.Specifier.Contains(v, &yes) {
				from := "the image roots"
				if in.from != nil {
					from = in.from.chain()
				}
				r.errs = append(r.errs, fmt.Errorf("%s %s (pinned by %s) does not satisfy %q required by %s", n.key, n.version, n.pinnedBy, in.req.String(), from))
			}
		}
	}
}

func sortedNodeKeys(m map[string]*node) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func (r *resolver) lock() *Lock {
	l := &Lock{
		FormatVersion: FormatVersion,
		Image:         r.req.Image,
		Inputs:        r.req.Inputs(),
	}
	for _, key := range sortedNodeKeys(r.nodes) {
		n := r.nodes[key]
		p := Package{
			Name: n.key, Version: n.version, Root: n.root, Extras: sortedKeys(n.extras),
			Filename: n.file.Filename, SHA256: n.file.SHA256, Size: n.file.Size,
			RequiresPython: n.meta.RequiresPython, License: n.meta.LicenseSummary(),
			NeedsBuild: n.sdist, Yanked: n.yanked, Pinned: n.pinnedBy,
		}
		if len(p.Extras) == 0 {
			p.Extras = nil
		}
		for _, rq := range n.reqs {
			if extra, ok := r.includes(n, rq); ok {
				p.Dependencies = append(p.Dependencies, Edge{Name: pep503.Normalize(rq.Name), Requirement: rq.String(), Extra: extra})
			}
		}
		l.Packages = append(l.Packages, p)
	}
	return l
}
