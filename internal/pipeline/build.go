package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/citadel-build/citadel/internal/constraints"
	"github.com/citadel-build/citadel/internal/decl"
	"github.com/citadel-build/citadel/internal/fetch"
	"github.com/citadel-build/citadel/internal/image"
	"github.com/citadel-build/citadel/internal/lock"
	"github.com/citadel-build/citadel/internal/pep503"
	"github.com/citadel-build/citadel/internal/pep508"
	"github.com/citadel-build/citadel/internal/venv"
	"github.com/citadel-build/citadel/internal/workspace"
)

// Label keys Citadel sets besides the org.opencontainers.image ones.
const (
	LabelImage              = "dev.citadel.image"
	LabelRelease            = "dev.citadel.openstack.release"
	LabelConstraintsSHA256  = "dev.citadel.constraints.sha256"
	LabelUpstreamSHA256     = "dev.citadel.constraints.upstream.sha256"
	LabelOverrides          = "dev.citadel.overrides"
	LabelLockSHA256         = "dev.citadel.lock.sha256"
	ociLabel                = "org.opencontainers.image."
	defaultVenvPrefix       = "/var/lib/openstack"
	lockCheckedByResolution = "resolved"
	lockCheckedByInputs     = "inputs"
)

// BuildInput says which image to build and where its outputs go.
type BuildInput struct {
	Workspace *workspace.Workspace
	Label     workspace.Label
	// Base is the base image reference (see image.LoadBase); empty means the release's declared
	// base, pulled by its digest.
	Base       string
	Wheelhouse string // directory with wheelhouse.json, for the lock's needs_build packages
	Out        string // OCI image layout directory to write
	Archive    string // OCI archive to write too, if set
	Push       string // REGISTRY/REPO[:TAG] to push to, if set
	// ScanDBs are the OSV databases of the scan gate run before pushing (default: the image's
	// vulndb; none: no gate); Now is the date its waivers are checked against.
	ScanDBs  []string
	Now      time.Time
	SkipGate bool // citadel sbom and scan build an image to describe it, gate or not
	// Index re-resolves the lock to check it is current, and finds download URLs. Nil means
	// offline: the lock's inputs are compared with the declarations instead, and every file must
	// be in a distdir or the cache.
	Index            lock.Index
	Source, Revision string // org.opencontainers.image.source and .revision, if known
	Epoch            int64  // SOURCE_DATE_EPOCH
	Log              func(format string, args ...any)
}

// BuildResult is what a build made; citadel build --json prints it.
type BuildResult struct {
	Image   string            `json:"image"`
	Digest  string            `json:"digest"`
	Layout  string            `json:"layout"`
	Tag     string            `json:"tag"` // the image's reference name in the layout
	Archive string            `json:"archive,omitempty"`
	Base    BuildBase         `json:"base"`
	Lock    BuildLock         `json:"lock"`
	Layers  []BuildLayer      `json:"layers"`
	Size    int64             `json:"size"` // compressed bytes of all layers
	Labels  map[string]string `json:"labels"`
	Scan    *BuildScan        `json:"scan,omitempty"`
	Pushed  *image.Pushed     `json:"pushed,omitempty"`
}

// BuildScan is the scan gate's verdict on the image.
type BuildScan struct {
	Passed     bool `json:"passed"`
	Findings   int  `json:"findings"`
	Violations int  `json:"violations"`
	Expired    int  `json:"expired_waivers"`
}

// ErrGate is returned (wrapped) when the scan gate fails: the image was written, not pushed.
var ErrGate = errors.New("the scan gate failed")

// BuildBase is the base image used.
type BuildBase struct {
	Ref    string `json:"ref"`
	Name   string `json:"name,omitempty"`
	Digest string `json:"digest"`
}

// BuildLock is the lock the image was built from and how it was checked.
type BuildLock struct {
	Path     string `json:"path"`
	SHA256   string `json:"sha256"`
	Packages int    `json:"packages"`
	Checked  string `json:"checked"` // "resolved" (re-resolved, identical) or "inputs" (offline)
}

// BuildLayer is one layer of the image.
type BuildLayer struct {
	Digest   string   `json:"digest"`
	Size     int64    `json:"size"`
	From     string   `json:"from"` // "base", "user" or the venv layer's role
	Packages []string `json:"packages,omitempty"`
}

// Build runs every stage for an image: constraints, the lock check, fetch, venv and image; then
// writes the layout (and archive), runs the scan gate when there are databases, and pushes only
// an image that passed it.
func Build(ctx context.Context, in BuildInput, f *fetch.Fetcher) (*BuildResult, error) {
	logf := in.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	img, err := decl.LoadImage(ctx, in.Workspace, in.Label)
	if err != nil {
		return nil, err
	}
	rel := img.Release
	platform, err := ociPlatform(rel.Platform)
	if err != nil {
		return nil, fmt.Errorf("build %s: release %s: %w", in.Label, rel.Label, err)
	}
	baseRef := in.Base
	if baseRef == "" {
		if rel.Base == nil {
			return nil, fmt.Errorf("build %s: release %s (%s) declares no base image: add base = \"@REPO\" naming an oci.pull in MODULE.bazel, or pass --base", in.Label, rel.Label, rel.Where)
		}
		baseRef = rel.Base.Ref()
	}

	rl := rel.Label
	patched, err := PatchConstraints(ctx, PatchInput{Workspace: in.Workspace, Label: &rl}, f)
	if err != nil {
		return nil, err
	}
	logf("constraints: %s patched, %d override(s), sha256 %s", rel.Label, len(patched.Report.Changes), patched.Report.PatchedSHA256)

	l, lockInfo, err := checkedLock(ctx, in, img, patched, f)
	if err != nil {
		return nil, err
	}
	logf("lock: %s is current (%d packages, checked by %s)", img.LockFile, len(l.Packages), map[string]string{lockCheckedByResolution: "re-resolving", lockCheckedByInputs: "its inputs, offline"}[lockInfo.Checked])

	var projects Projects
	if in.Index != nil {
		projects = in.Index
	}
	files, err := LocalFiles(ctx, l, f, projects, in.Index == nil)
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", in.Label, err)
	}
	logf("fetch: %d files verified", len(files))

	base, baseDigest, err := image.LoadBase(ctx, baseRef, platform)
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", in.Label, err)
	}
	baseName := BaseNameOf(baseRef, baseDigest, rel.Base)
	logf("base: %s (%s)", baseDigest, baseRef)

	// The venv is written beside the output, on its file system, and removed afterwards.
	if err := os.MkdirAll(filepath.Dir(filepath.Clean(in.Out)), 0o755); err != nil {
		return nil, fmt.Errorf("build %s: %w", in.Label, err)
	}
	scratch, err := os.MkdirTemp(filepath.Dir(filepath.Clean(in.Out)), ".citadel-build-")
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", in.Label, err)
	}
	defer os.RemoveAll(scratch)
	venvDir := filepath.Join(scratch, "venv")
	m, err := BuildVenv(ctx, VenvInput{Lock: l, Files: files, Wheelhouse: in.Wheelhouse, Out: venvDir,
		Config: venv.Config{Prefix: defaultVenvPrefix, PythonVersion: rel.PythonVersion, Epoch: in.Epoch}})
	if err != nil {
		return nil, err
	}
	logf("venv: %d layers", len(m.Layers))

	labels, err := ImageLabels(LabelInput{
		Image: in.Label.String(), Release: rel.Name, Report: patched.Report, Lock: l, LockSHA256: lockInfo.SHA256,
		BaseName: baseName, BaseDigest: baseDigest, Source: in.Source, Revision: in.Revision,
	})
	if err != nil {
		return nil, err
	}
	assembled, err := image.Assemble(ctx, base, venvDir, image.Config{
		User: img.User, UID: int(img.UID), GID: int(img.GID),
		Entrypoint: img.Entrypoint, Cmd: img.Cmd, Env: img.Env,
		Labels: labels, Epoch: in.Epoch,
	})
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", in.Label, err)
	}
	res := &BuildResult{Image: in.Label.String(), Layout: in.Out, Tag: in.Label.Name, Archive: in.Archive,
		Base: BuildBase{Ref: baseRef, Name: baseName, Digest: baseDigest}, Lock: lockInfo, Labels: labels}
	digest, err := image.WriteLayout(assembled, in.Out, res.Tag)
	if err != nil {
		return nil, err
	}
	res.Digest = digest.String()
	if res.Layers, res.Size, err = describeLayers(base, assembled, m); err != nil {
		return nil, fmt.Errorf("build %s: %w", in.Label, err)
	}
	logf("image: %s, %d layers, %.1f MB, written to %s", res.Digest, len(res.Layers), float64(res.Size)/1e6, in.Out)
	if in.Archive != "" {
		if err := image.WriteArchive(in.Out, in.Archive); err != nil {
			return nil, err
		}
		logf("archive: %s", in.Archive)
	}
	dbs := in.ScanDBs
	if len(dbs) == 0 {
		dbs = img.VulnDB
	}
	if len(dbs) > 0 && !in.SkipGate {
		doc, _, err := ImageSBOM(ctx, ImageSBOMInput{Workspace: in.Workspace, Image: "oci:" + in.Out + ":" + res.Tag, Platform: platform})
		if err != nil {
			return nil, fmt.Errorf("build %s: %w", in.Label, err)
		}
		rep, err := Scan(ctx, ScanInput{Workspace: in.Workspace, Doc: doc, Declared: img, DBs: dbs, Now: in.Now}, f)
		if err != nil {
			return nil, fmt.Errorf("build %s: scan: %w", in.Label, err)
		}
		res.Scan = &BuildScan{Passed: rep.Passed, Findings: len(rep.Findings), Violations: rep.Violations, Expired: len(rep.Expired)}
		logf("scan: %d finding(s), %d violation(s), %d expired waiver(s) under the release's policy", len(rep.Findings), rep.Violations, len(rep.Expired))
		if !rep.Passed {
			var table strings.Builder
			rep.Table(&table)
			return res, fmt.Errorf("build %s: %w (the image is in %s, not pushed):\n%s", in.Label, ErrGate, in.Out, table.String())
		}
	}
	if in.Push != "" {
		if res.Pushed, err = image.Push(ctx, assembled, in.Push); err != nil {
			return nil, fmt.Errorf("build %s: %w", in.Label, err)
		}
		logf("push: %s (%d blobs, %.1f MB uploaded; the registry had the rest)", res.Pushed.Ref, res.Pushed.BlobsPushed, float64(res.Pushed.BytesPushed)/1e6)
	}
	return res, nil
}

// checkedLock reads the committed lock and checks it is current: re-resolved to the same bytes
// when an index is at hand, else its recorded inputs equal to what the declarations give.
func checkedLock(ctx context.Context, in BuildInput, img *decl.Image, patched *Patched, f *fetch.Fetcher) (*lock.Lock, BuildLock, error) {
	path := in.Workspace.Path(img.LockFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, BuildLock{}, fmt.Errorf("build %s: %w (run citadel lock %s)", in.Label, err, in.Label)
	}
	committed, err := lock.Unmarshal(img.LockFile, data)
	if err != nil {
		return nil, BuildLock{}, err
	}
	info := BuildLock{Path: img.LockFile, SHA256: sha256Hex(data), Packages: len(committed.Packages), Checked: lockCheckedByInputs}
	req, err := lockRequest(img, patched, committed.Inputs.AllowUnpinned)
	if err != nil {
		return nil, info, err
	}
	stale := func(diff []string) error {
		return fmt.Errorf("build %s: the committed lock %s is out of date; run citadel lock %s and review the change:\n  %s", in.Label, img.LockFile, in.Label, strings.Join(diff, "\n  "))
	}
	if diff := diffInputs(committed.Inputs, req.Inputs()); len(diff) > 0 {
		return nil, info, stale(diff)
	}
	if in.Index != nil {
		fresh, err := lock.Resolve(ctx, req, in.Index, f)
		if err != nil {
			return nil, info, fmt.Errorf("build %s: check lock: %w", in.Label, err)
		}
		freshData, err := fresh.Marshal()
		if err != nil {
			return nil, info, err
		}
		if !bytes.Equal(freshData, data) {
			return nil, info, stale(diffLocks(img.LockFile, data, fresh))
		}
		info.Checked = lockCheckedByResolution
	}
	return committed, info, nil
}

// LabelInput is what an image's labels record: its declaration, its release's constraints
// report, its lock, its base and its source.
type LabelInput struct {
	Image      string // the image label, e.g. //images/horizon:2024.1
	Release    string // the OpenStack release, e.g. 2024.1
	Report     constraints.Report
	Lock       *lock.Lock
	LockSHA256 string
	BaseName   string
	BaseDigest string
	Source     string
	Revision   string
}

// ImageLabels are an image's labels (and manifest annotations), the same whether citadel build
// or the hermetic citadel image (a Bazel action) assembles it.
func ImageLabels(in LabelInput) (map[string]string, error) {
	type override struct {
		Op         string   `json:"op"`
		Package    string   `json:"package"`
		From       string   `json:"from,omitempty"`
		To         string   `json:"to,omitempty"`
		Advisories []string `json:"advisories,omitempty"`
	}
	ovs := []override{}
	for _, c := range in.Report.Changes {
		ovs = append(ovs, override{Op: string(c.Op), Package: c.Package, From: c.From, To: c.To, Advisories: c.Advisories})
	}
	ovJSON, err := json.Marshal(ovs)
	if err != nil {
		return nil, err
	}
	l, err := workspace.ParseLabel(in.Image, "")
	if err != nil {
		return nil, fmt.Errorf("image labels: %w", err)
	}
	labels := map[string]string{
		ociLabel + "title":       strings.TrimPrefix(l.Pkg, "images/"),
		ociLabel + "base.digest": in.BaseDigest,
		LabelImage:               l.String(),
		LabelRelease:             in.Release,
		LabelConstraintsSHA256:   in.Report.PatchedSHA256,
		LabelUpstreamSHA256:      in.Report.Upstream.SHA256,
		LabelOverrides:           string(ovJSON),
		LabelLockSHA256:          in.LockSHA256,
	}
	// The version is the first root package's: horizon's for //images/horizon.
	if roots := in.Lock.Inputs.Roots; len(roots) > 0 {
		if first, err := pep508.ParseRequirement(roots[0]); err == nil {
			if p, ok := in.Lock.Package(pep503.Normalize(first.Name)); ok {
				labels[ociLabel+"version"] = p.Version
			}
		}
	}
	for k, v := range map[string]string{"base.name": in.BaseName, "source": in.Source, "revision": in.Revision} {
		if v != "" {
			labels[ociLabel+k] = v
		}
	}
	return labels, nil
}

// CheckLockAgainstReport checks that a lock was resolved against the patched constraints a
// release's report describes: the same patched sha256 and overrides. It is how the hermetic
// image action, which cannot re-resolve, refuses a stale lock.
func CheckLockAgainstReport(lockName string, l *lock.Lock, r constraints.Report) error {
	have := l.Inputs
	diff := diffInputs(lock.Inputs{Constraints: lock.Provenance{PatchedSHA256: have.Constraints.PatchedSHA256}, Overrides: have.Overrides},
		lock.Inputs{Constraints: lock.Provenance{PatchedSHA256: r.PatchedSHA256}, Overrides: lockOverrides(r.Changes)})
	if len(diff) > 0 {
		return fmt.Errorf("the lock %s is out of date for release %s; re-lock it (citadel lock, or bazel run //images/SERVICE:RELEASE.lock):\n  %s", lockName, r.Release, strings.Join(diff, "\n  "))
	}
	return nil
}

// BaseNameOf is the base's name for org.opencontainers.image.base.name: the declared image when
// the base is the declared digest (however it was obtained), else the registry repository or
// the layout's reference name. Never a local path, which would make the image depend on it.
func BaseNameOf(ref, digest string, declared *decl.Base) string {
	if declared != nil && declared.Digest == digest {
		return declared.Image
	}
	transport, rest, _ := strings.Cut(ref, ":")
	switch transport {
	case "oci", "oci-archive":
		_, name, _ := strings.Cut(rest, ":")
		return name
	}
	repo, _, _ := strings.Cut(strings.TrimPrefix(ref, "docker://"), "@")
	return repo
}

// ociPlatform maps a wheel platform tag's architecture to the OCI platform of the base.
func ociPlatform(tag string) (v1.Platform, error) {
	for suffix, p := range map[string]v1.Platform{
		"_x86_64":  {OS: "linux", Architecture: "amd64"},
		"_aarch64": {OS: "linux", Architecture: "arm64"},
		"_i686":    {OS: "linux", Architecture: "386"},
		"_ppc64le": {OS: "linux", Architecture: "ppc64le"},
		"_s390x":   {OS: "linux", Architecture: "s390x"},
		"_armv7l":  {OS: "linux", Architecture: "arm", Variant: "v7"},
	} {
		if strings.HasSuffix(tag, suffix) {
			return p, nil
		}
	}
	return v1.Platform{}, fmt.Errorf("platform %q: no OCI platform for its architecture", tag)
}

// describeLayers lists the image's layers with what each holds.
func describeLayers(base, img v1.Image, m *venv.Manifest) ([]BuildLayer, int64, error) {
	baseLayers, err := base.Layers()
	if err != nil {
		return nil, 0, err
	}
	mf, err := img.Manifest()
	if err != nil {
		return nil, 0, err
	}
	byDigest := map[string]venv.Layer{}
	for _, vl := range m.Layers {
		byDigest[vl.Digest] = vl
	}
	var out []BuildLayer
	var total int64
	for i, d := range mf.Layers {
		bl := BuildLayer{Digest: d.Digest.String(), Size: d.Size, From: "user"}
		if i < len(baseLayers) {
			bl.From = "base"
		} else if vl, ok := byDigest[d.Digest.String()]; ok {
			bl.From, bl.Packages = "venv "+vl.Role, vl.Packages
		}
		out = append(out, bl)
		total += d.Size
	}
	return out, total, nil
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
