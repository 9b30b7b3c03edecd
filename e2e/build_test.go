package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/citadel-build/citadel/internal/pipeline"
	"github.com/citadel-build/citadel/internal/testenv/rootfs"
)

const horizon = "//images/horizon:2024.1"

// build runs citadel build --json in workspace ws (the repository if empty) and returns its
// summary.
func (e env) build(t *testing.T, ws, image string, args ...string) *pipeline.BuildResult {
	t.Helper()
	full := append([]string{"build", image, "--json", "--distdir", e.shared, "--index-url", e.index, "--wheelhouse", e.wheelhouse(t, image)}, args...)
	if ws != "" {
		full = append(full, "--workspace", ws)
	}
	stdout, stderr, err := e.citadel(t, full...)
	if err != nil {
		t.Fatalf("citadel %s: %v\n%s", strings.Join(full, " "), err, stderr)
	}
	var res pipeline.BuildResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("build --json: %v\n%s", err, stdout)
	}
	return &res
}

// builds holds one build per image per test process, for the tests that only compare layers.
var builds sync.Map

func (e env) builtOnce(t *testing.T, image string) *pipeline.BuildResult {
	t.Helper()
	if r, ok := builds.Load(image); ok {
		return r.(*pipeline.BuildResult)
	}
	base := rootfs.DebianBase(t)
	r := e.build(t, "", image, "--base", "oci:"+base+":bookworm", "-o", filepath.Join(processTemp, "build", strings.NewReplacer("/", "_", ":", "_").Replace(image)))
	builds.Store(image, r)
	return r
}

// horizon 2024.1 built twice, in different directories at different times, online and offline,
// gives the same image; pushed to a real registry on loopback it keeps its digest, skopeo reads
// it, and pulled back by digest it starts with runc as the service user. A base pulled from the
// registry by digest gives the same image again; by tag it is refused.
func TestBuildIsReproducibleAndRunsFromRegistry(t *testing.T) {
	e := setup(t)
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	base := rootfs.DebianBase(t)
	baseRef := "oci:" + base + ":bookworm"

	dirA, dirB := t.TempDir(), t.TempDir()
	a := e.build(t, "", horizon, "--base", baseRef, "-o", filepath.Join(dirA, "layout"), "--archive", filepath.Join(dirA, "image.tar"))
	time.Sleep(1100 * time.Millisecond)
	b := e.build(t, "", horizon, "--base", baseRef, "-o", filepath.Join(dirB, "elsewhere", "layout"), "--archive", filepath.Join(dirB, "image.tar"), "--offline")
	if a.Digest != b.Digest {
		t.Fatalf("two builds differ: %s and %s", a.Digest, b.Digest)
	}
	if a.Lock.Checked != "resolved" || b.Lock.Checked != "inputs" {
		t.Errorf("lock checked by %q online and %q offline, want resolved and inputs", a.Lock.Checked, b.Lock.Checked)
	}
	archA, _ := os.ReadFile(filepath.Join(dirA, "image.tar"))
	archB, _ := os.ReadFile(filepath.Join(dirB, "image.tar"))
	if len(archA) == 0 || !bytes.Equal(archA, archB) {
		t.Errorf("the OCI archives differ (%d and %d bytes)", len(archA), len(archB))
	}
	t.Logf("built %s twice: %d layers, %.1f MB", a.Digest, len(a.Layers), float64(a.Size)/1e6)

	for _, k := range []string{"org.opencontainers.image.base.digest", "org.opencontainers.image.version", "org.opencontainers.image.revision",
		"dev.citadel.openstack.release", "dev.citadel.constraints.sha256", "dev.citadel.overrides"} {
		if a.Labels[k] == "" {
			t.Errorf("label %s is missing", k)
		}
	}
	if a.Labels["org.opencontainers.image.version"] != "24.0.2" || !strings.Contains(a.Labels["dev.citadel.overrides"], `"package":"urllib3","from":"1.26.18","to":"1.26.19"`) {
		t.Errorf("labels: %v", a.Labels)
	}

	// skopeo reads the layout and the archive.
	for _, ref := range []string{"oci:" + a.Layout + ":2024.1", "oci-archive:" + a.Archive + ":2024.1"} {
		var info struct{ Digest string }
		if err := json.Unmarshal([]byte(run(t, "", "skopeo", "inspect", ref)), &info); err != nil || info.Digest != a.Digest {
			t.Errorf("skopeo inspect %s: digest %q, %v; want %s", ref, info.Digest, err, a.Digest)
		}
	}

	host := startRegistry(t)
	repo := host + "/citadel/horizon"
	first := e.build(t, "", horizon, "--base", baseRef, "-o", filepath.Join(t.TempDir(), "layout"), "--offline", "--push", repo+":2024.1")
	if first.Digest != a.Digest || first.Pushed == nil || first.Pushed.Ref != repo+"@"+a.Digest {
		t.Fatalf("push: %+v, want %s@%s", first.Pushed, repo, a.Digest)
	}
	if want := len(a.Layers) + 1; first.Pushed.BlobsPushed != want {
		t.Errorf("first push uploaded %d blobs, want %d (every layer and the config)", first.Pushed.BlobsPushed, want)
	}
	again := e.build(t, "", horizon, "--base", baseRef, "-o", filepath.Join(t.TempDir(), "layout"), "--offline", "--push", repo)
	if again.Pushed.BlobsPushed != 0 || again.Pushed.BytesPushed != 0 {
		t.Errorf("second push uploaded %d blobs (%d bytes), want none: the registry has them", again.Pushed.BlobsPushed, again.Pushed.BytesPushed)
	}
	t.Logf("pushed %s: %d blobs, %.1f MB; again: %d blobs", first.Pushed.Ref, first.Pushed.BlobsPushed, float64(first.Pushed.BytesPushed)/1e6, again.Pushed.BlobsPushed)

	var remote struct {
		Digest string
		Labels map[string]string
	}
	out := run(t, "", "skopeo", "inspect", "--tls-verify=false", "docker://"+repo+":2024.1")
	if err := json.Unmarshal([]byte(out), &remote); err != nil || remote.Digest != a.Digest || remote.Labels["dev.citadel.image"] != horizon {
		t.Fatalf("skopeo inspect of the pushed tag: %v\n%s", err, out)
	}

	pulled := filepath.Join(t.TempDir(), "pulled")
	run(t, "", "skopeo", "copy", "--src-tls-verify=false", "docker://"+first.Pushed.Ref, "oci:"+pulled+":pulled")
	p, err := layout.FromPath(pulled)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil || len(im.Manifests) != 1 || im.Manifests[0].Digest.String() != a.Digest {
		t.Fatalf("pulled layout holds %+v (%v), want %s", im, err, a.Digest)
	}
	img, err := p.Image(im.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	root := unpackLayout(t, pulled)
	if cf.Config.User != "42424:42424" || !slices.Contains(cf.Config.Env, "PATH=/var/lib/openstack/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin") {
		t.Fatalf("config user %q env %q", cf.Config.User, cf.Config.Env)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// As a runtime would start it: the config's user and environment, commands found on PATH.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"python", "-c", "import horizon, django, sys; print(sys.prefix, django.get_version())"}, "/var/lib/openstack 4.2.11"},
		{[]string{"django-admin", "--version"}, "4.2.11"},
		{[]string{"id", "-un"}, "horizon"},
	} {
		output, code, err := rootfs.Run(ctx, root, cf.Config.User, append(slices.Clone(cf.Config.Env), "HOME=/tmp"), tc.args...)
		if err != nil || code != 0 || strings.TrimSpace(output) != tc.want {
			t.Errorf("%v: exit %d, err %v, output %q, want %q", tc.args, code, err, output, tc.want)
		}
	}

	// The base from the registry, by digest: the same layers, and the labels name it. By tag:
	// refused.
	run(t, "", "skopeo", "copy", "--dest-tls-verify=false", baseRef, "docker://"+host+"/citadel/debian:bookworm")
	fromRegistry := e.build(t, "", horizon, "--base", host+"/citadel/debian@"+a.Base.Digest, "-o", filepath.Join(t.TempDir(), "layout"), "--offline")
	if !slices.EqualFunc(fromRegistry.Layers, a.Layers, func(x, y pipeline.BuildLayer) bool { return x.Digest == y.Digest }) ||
		fromRegistry.Labels["org.opencontainers.image.base.digest"] != a.Base.Digest ||
		fromRegistry.Labels["org.opencontainers.image.base.name"] != host+"/citadel/debian" {
		t.Errorf("with the base pulled by digest: layers %v, labels %v; want the layers of %s", fromRegistry.Layers, fromRegistry.Labels, a.Digest)
	}
	_, stderr, err := e.citadel(t, "build", horizon, "--offline", "--distdir", e.shared, "--wheelhouse", e.wheelhouse(t, horizon),
		"--base", host+"/citadel/debian:bookworm", "-o", filepath.Join(t.TempDir(), "layout"))
	if err == nil || !strings.Contains(err.Error(), "has no digest") {
		t.Errorf("base by tag: %v %s, want a refusal naming the missing digest", err, stderr)
	}
}

// Bumping one override (urllib3, in a copy of the workspace) makes the committed lock stale, and
// after re-locking only the layers holding urllib3 change.
func TestBuildAfterOverrideBumpChangesOnlyItsLayers(t *testing.T) {
	e := setup(t)
	before := e.builtOnce(t, horizon)

	ws := e.workspaceCopy(t)
	decl := filepath.Join(ws, "releases", "2024.1", "BUILD.bazel")
	data, err := os.ReadFile(decl)
	if err != nil {
		t.Fatal(err)
	}
	bumped := strings.Replace(string(data), `expect = "1.26.18",
            package = "urllib3",
            reason = "Proxy-Authorization header kept on cross-origin redirects when set by hand.",
            version = "1.26.19",`, `expect = "1.26.18",
            package = "urllib3",
            reason = "Proxy-Authorization header kept on cross-origin redirects when set by hand.",
            version = "1.26.20",`, 1)
	if bumped == string(data) {
		t.Fatal("the urllib3 override of releases/2024.1 was not found")
	}
	write(t, decl, bumped)

	base := "oci:" + rootfs.DebianBase(t) + ":bookworm"
	_, _, err = e.citadel(t, "build", horizon, "--workspace", ws, "--offline", "--distdir", e.shared, "--base", base, "-o", filepath.Join(t.TempDir(), "stale"))
	if err == nil || !strings.Contains(err.Error(), "is out of date") || !strings.Contains(err.Error(), "1.26.20") {
		t.Fatalf("build with a stale lock: %v, want an error naming the new urllib3 pin", err)
	}
	if _, stderr, err := e.citadel(t, "lock", horizon, "--workspace", ws, "--distdir", e.shared, "--index-url", e.index); err != nil {
		t.Fatalf("lock: %v\n%s", err, stderr)
	}
	after := e.build(t, ws, horizon, "--base", base, "-o", filepath.Join(t.TempDir(), "layout"))

	if len(after.Layers) != len(before.Layers) {
		t.Fatalf("%d layers before the bump, %d after", len(before.Layers), len(after.Layers))
	}
	var changed, total int64
	for i, l := range after.Layers {
		total += l.Size
		if l.Digest == before.Layers[i].Digest {
			continue
		}
		changed += l.Size
		if !slices.Contains(before.Layers[i].Packages, "urllib3==1.26.19") || !slices.Contains(l.Packages, "urllib3==1.26.20") {
			t.Errorf("layer %d (%s, %v) changed but does not hold urllib3", i, l.From, l.Packages)
		}
	}
	if changed == 0 {
		t.Fatal("no layer changed after bumping urllib3")
	}
	t.Logf("urllib3 1.26.19 -> 1.26.20: %.2f MB of %.1f MB changed (%.1f%%)", float64(changed)/1e6, float64(total)/1e6, 100*float64(changed)/float64(total))
}

// keystone and horizon of one release share their base, and venv layers wherever they install
// the same package version.
func TestBuildKeystoneSharesLayersWithHorizon(t *testing.T) {
	e := setup(t)
	h, k := e.builtOnce(t, horizon), e.builtOnce(t, "//images/keystone:2024.1")
	inHorizon := map[string]bool{}
	for _, l := range h.Layers {
		inHorizon[l.Digest] = true
	}
	var shared, sharedVenv, venvTotal int64
	var names []string
	for _, l := range k.Layers {
		isVenv := strings.HasPrefix(l.From, "venv")
		if isVenv {
			venvTotal += l.Size
		}
		if !inHorizon[l.Digest] {
			continue
		}
		shared += l.Size
		if isVenv {
			sharedVenv += l.Size
			names = append(names, strings.Join(l.Packages, ","))
		}
	}
	if k.Layers[0].Digest != h.Layers[0].Digest {
		t.Error("the base layer differs")
	}
	if sharedVenv == 0 {
		t.Error("no venv layer is shared")
	}
	t.Logf("keystone shares %.1f MB of its %.1f MB with horizon; venv: %.1f of %.1f MB (%v)",
		float64(shared)/1e6, float64(k.Size)/1e6, float64(sharedVenv)/1e6, float64(venvTotal)/1e6, names)
}

// The hermetic form — citadel venv and citadel image with explicit paths, the command lines of
// the Bazel rule's actions — gives the digest citadel build gives, and refuses a lock that was
// not resolved against the release's patched constraints.
func TestHermeticFormGivesTheBuildDigest(t *testing.T) {
	e := setup(t)
	base := rootfs.DebianBase(t)
	built := e.build(t, "", horizon, "--base", "oci:"+base+":bookworm", "-o", filepath.Join(t.TempDir(), "layout"), "--no-revision", "--offline")
	dir := t.TempDir()
	report := filepath.Join(dir, "report.json")
	if _, stderr, err := e.citadel(t, "constraints", "patch", "//releases/2024.1", "--distdir", e.shared, "--offline", "-o", filepath.Join(dir, "uc.txt"), "--report", report); err != nil {
		t.Fatalf("constraints patch: %v\n%s", err, stderr)
	}
	lockFile := filepath.Join(e.root, "images", "horizon", "2024.1.lock.json")
	args := []string{"venv", "--lock", lockFile, "--wheelhouse", e.wheelhouse(t, horizon), "-o", filepath.Join(dir, "venv")}
	for _, p := range e.lockOf(t, horizon).Packages {
		args = append(args, "--wheel", filepath.Join(e.cacheDir, "sha256", p.SHA256[:2], p.SHA256))
	}
	if _, stderr, err := e.citadel(t, args...); err != nil {
		t.Fatalf("venv: %v\n%s", err, stderr)
	}
	image := func(report string) (string, error) {
		stdout, _, err := e.citadel(t, "image", "--base", "oci:"+base+":bookworm", "--venv", filepath.Join(dir, "venv"), "-o", filepath.Join(dir, "image"),
			"--user", "horizon", "--uid", "42424", "--gid", "42424", "--tag", "2024.1",
			"--image-label", horizon, "--release", "2024.1", "--lock", lockFile, "--report", report,
			"--module", filepath.Join(e.root, "MODULE.bazel"), "--base-repo", "debian_bookworm")
		return strings.TrimSpace(stdout), err
	}
	digest, err := image(report)
	if err != nil {
		t.Fatalf("image: %v", err)
	}
	if digest != built.Digest {
		t.Fatalf("the hermetic form gives %s, citadel build %s", digest, built.Digest)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var r map[string]any
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	r["patched_sha256"] = strings.Repeat("0", 64)
	stale, _ := json.Marshal(r)
	write(t, filepath.Join(dir, "stale.json"), string(stale))
	if _, err := image(filepath.Join(dir, "stale.json")); err == nil || !strings.Contains(err.Error(), "is out of date") {
		t.Fatalf("stale lock: %v", err)
	}
	t.Logf("hermetic venv + image: %s, as citadel build", digest)
}
