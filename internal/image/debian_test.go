package image

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/citadel-build/citadel/internal/testenv/rootfs"
)

// TestImageOnDebianBase is the end-to-end check: the real Debian base, a skeleton venv, the
// assembled image written as a layout that skopeo reads, unpacked and run with runc as the
// service user.
func TestImageOnDebianBase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Debian base image; not in -short mode")
	}
	if os.Geteuid() != 0 {
		t.Skip("runc and mmdebstrap need root")
	}
	skopeo, err := exec.LookPath("skopeo")
	if err != nil {
		t.Skip("skopeo is not installed (.ci/run installs it)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	baseDir := rootfs.DebianBase(t)
	t.Logf("DebianBase: %s", time.Since(start).Round(time.Millisecond))

	venvDir := skeletonVenv(t, "3.11.2")
	out := filepath.Join(t.TempDir(), "horizon")
	var digests []string
	for range 2 {
		start = time.Now()
		base, baseDigest, err := LoadBase(t.Context(), "oci:"+baseDir, amd64)
		if err != nil {
			t.Fatal(err)
		}
		cfg := testConfig()
		cfg.Labels["org.opencontainers.image.base.digest"] = baseDigest
		img, err := Assemble(ctx, base, venvDir, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("LoadBase + Assemble: %s", time.Since(start).Round(time.Millisecond))
		start = time.Now()
		d, err := WriteLayout(img, out, "horizon:2024.1")
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("WriteLayout: %s (%s)", time.Since(start).Round(time.Millisecond), d)
		digests = append(digests, d.String())
	}
	if digests[0] != digests[1] {
		t.Fatalf("two builds differ: %s, %s", digests[0], digests[1])
	}

	raw, err := exec.CommandContext(ctx, skopeo, "inspect", "oci:"+out+":horizon:2024.1").Output()
	if err != nil {
		t.Fatalf("skopeo inspect: %v", err)
	}
	var inspect struct {
		Digest string
		Labels map[string]string
		Env    []string
		Layers []string
	}
	if err := json.Unmarshal(raw, &inspect); err != nil {
		t.Fatalf("skopeo inspect output: %v\n%s", err, raw)
	}
	t.Logf("skopeo inspect:\n%s", raw)
	if inspect.Digest != digests[0] || inspect.Labels["io.citadel.release"] != "2024.1" || len(inspect.Layers) != 3 {
		t.Fatalf("skopeo inspect: digest %s, labels %v, %d layers; want %s, the labels, 3 layers", inspect.Digest, inspect.Labels, len(inspect.Layers), digests[0])
	}

	layers, err := rootfs.LayoutLayers(out)
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	if err := rootfs.Unpack(root, layers...); err != nil {
		t.Fatal(err)
	}
	env := []string{inspect.Env[0]} // PATH with the venv first
	for _, tc := range []struct {
		user string
		args []string
		want string
	}{
		{"42424:42424", []string{"id", "-un"}, "horizon\n"},
		{"42424:42424", []string{"id", "-gn"}, "horizon\n"},
		{"42424:42424", []string{"/var/lib/openstack/bin/python", "-c", "import sys; print(sys.prefix)"}, "/var/lib/openstack\n"},
		{"42424:42424", []string{"python", "-c", "import sys; print(sys.executable, sys.version_info[:2])"}, "/var/lib/openstack/bin/python (3, 11)\n"},
		{"42424:42424", []string{"sh", "-c", "echo ~"}, "/var/lib/horizon\n"},
		{"0:0", []string{"stat", "-c", "%n %U:%G %a", "/etc/passwd", "/etc/shadow", "/etc/gshadow", "/var/lib/horizon"},
			"/etc/passwd root:root 644\n/etc/shadow root:shadow 640\n/etc/gshadow root:shadow 640\n/var/lib/horizon horizon:horizon 755\n"},
		{"0:0", []string{"sh", "-c", "pwck -r -q && grpck -r && echo ok"}, "ok\n"},
	} {
		got, code, err := rootfs.Run(ctx, root, tc.user, env, tc.args...)
		if err != nil || code != 0 || got != tc.want {
			t.Errorf("%s as %s: exit %d, %v, %q; want %q", strings.Join(tc.args, " "), tc.user, code, err, got, tc.want)
		}
	}
}
