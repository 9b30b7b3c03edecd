package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citadel-build/citadel/internal/testenv/rootfs"
	"github.com/citadel-build/citadel/internal/venv"
)

// wheelhouses holds the wheels built from each image's needs_build sdists, once per test
// process (built afresh every run, so the build itself stays tested).
var wheelhouses sync.Map

func (e env) wheelhouse(t *testing.T, image string) string {
	t.Helper()
	if dir, ok := wheelhouses.Load(image); ok {
		return dir.(string)
	}
	dir := filepath.Join(processTemp, strings.NewReplacer("/", "_", ":", "_").Replace(image))
	bc := filepath.Join(processTemp, "build-constraints.txt")
	write(t, bc, "setuptools<82\n")
	if _, stderr, err := e.citadel(t, "wheelhouse", image, "-o", dir, "--python", e.python, "--build-constraint", bc, "--index-url", e.index); err != nil {
		t.Fatalf("wheelhouse: %v\n%s", err, stderr)
	}
	wheelhouses.Store(image, dir)
	return dir
}

func (e env) venv(t *testing.T, image, out string, extra ...string) *venv.Manifest {
	t.Helper()
	args := append([]string{"venv", image, "-o", out, "--wheelhouse", e.wheelhouse(t, image), "--index-url", e.index}, extra...)
	if _, stderr, err := e.citadel(t, args...); err != nil {
		t.Fatalf("venv: %v\n%s", err, stderr)
	}
	m, err := venv.ReadManifest(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// The venv of horizon 2024.1, assembled by citadel image onto a Debian bookworm base built with
// mmdebstrap, unpacked and started with runc as the service user, imports Django and horizon,
// and django-admin prints the locked Django version.
func TestVenvRunsOnDebianBase(t *testing.T) {
	e := setup(t)
	out := filepath.Join(t.TempDir(), "venv")
	e.venv(t, "//images/horizon:2024.1", out)
	base := rootfs.DebianBase(t)
	layout := filepath.Join(t.TempDir(), "image")
	digest, stderr, err := e.citadel(t, "image", "--base", "oci:"+base, "--venv", out, "-o", layout, "--user", "horizon", "--uid", "42424", "--gid", "42424", "--tag", "horizon:2024.1")
	if err != nil {
		t.Fatalf("image: %v\n%s", err, stderr)
	}
	t.Logf("image %s", strings.TrimSpace(digest))
	root := unpackLayout(t, layout)
	django := e.lockOf(t, "//images/horizon:2024.1")
	want := ""
	for _, p := range django.Packages {
		if p.Name == "django" {
			want = p.Version
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	env := []string{"PATH=/var/lib/openstack/bin:/usr/local/bin:/usr/bin:/bin", "HOME=/tmp"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"/var/lib/openstack/bin/python", "-c", "import django, horizon, sys; print(sys.prefix, django.get_version())"}, "/var/lib/openstack " + want},
		{[]string{"/var/lib/openstack/bin/django-admin", "--version"}, want},
		{[]string{"/usr/bin/id", "-un"}, "horizon"},
	} {
		output, code, err := rootfs.Run(ctx, root, "42424:42424", env, tc.args...)
		if err != nil || code != 0 || strings.TrimSpace(output) != tc.want {
			t.Errorf("%v: exit %d, err %v, output %q, want %q", tc.args, code, err, output, tc.want)
		}
	}
}

// Two builds in different directories at different times give identical layers, and so does
// the hermetic form a Bazel action uses (--lock and every --wheel given by path, no cache).
func TestVenvIsReproducible(t *testing.T) {
	e := setup(t)
	image := "//images/horizon:2024.1"
	a := e.venv(t, image, filepath.Join(t.TempDir(), "a"))
	time.Sleep(1100 * time.Millisecond)
	b := e.venv(t, image, filepath.Join(t.TempDir(), "elsewhere", "b"))

	l := e.lockOf(t, image)
	out := filepath.Join(t.TempDir(), "hermetic")
	args := []string{"venv", "--lock", filepath.Join(e.root, "images", "horizon", "2024.1.lock.json"), "-o", out,
		"--wheelhouse", e.wheelhouse(t, image), "--cache-dir", filepath.Join(t.TempDir(), "no-cache")}
	for _, p := range l.Packages {
		if !p.NeedsBuild {
			args = append(args, "--wheel", filepath.Join(e.cacheDir, "sha256", p.SHA256[:2], p.SHA256))
		}
	}
	if _, stderr, err := e.citadel(t, args...); err != nil {
		t.Fatalf("hermetic venv: %v\n%s", err, stderr)
	}
	c, err := venv.ReadManifest(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(a)
	for name, m := range map[string]*venv.Manifest{"second build": b, "hermetic build": c} {
		if jm, _ := json.Marshal(m); !bytes.Equal(ja, jm) {
			t.Errorf("%s differs:\n%s\n%s", name, ja, jm)
		}
	}
	t.Logf("%d layers, identical digests", len(a.Layers))
}

// Without built wheels for the sdists the lock flags needs_build, venv names them and writes
// nothing.
func TestVenvNeedsBuildIsAnError(t *testing.T) {
	e := setup(t)
	out := filepath.Join(t.TempDir(), "venv")
	_, _, err := e.citadel(t, "venv", "//images/horizon:2024.1", "-o", out, "--index-url", e.index)
	if err == nil {
		t.Fatal("no error")
	}
	for _, s := range []string{"needs_build", "django-pyscss 2.0.3", "netifaces 0.11.0", "--wheelhouse"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error does not mention %q:\n%v", s, err)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("output directory exists after a failure: %v", err)
	}
}

// The installed file set and RECORD contents equal what pip install --no-deps --no-compile of
// the same wheels into a fresh venv produces, except .pyc files and INSTALLER (and pip's
// REQUESTED on every package, since pip is given each package on its command line):
//
//	python3.11 -m venv --without-pip PREFIX
//	python -m pip --isolated --python PREFIX/bin/python install --no-deps --no-compile \
//	    --no-index --find-links WHEELS NAME==VERSION...
func TestVenvMatchesPip(t *testing.T) {
	e := setup(t)
	dir := t.TempDir()
	prefix := filepath.Join(dir, "pipvenv")
	out := filepath.Join(dir, "citadel")
	m := e.venv(t, "//images/horizon:2024.1", out, "--prefix", prefix)

	// The same wheels, by file name, from citadel's verified cache and the wheelhouse.
	l := e.lockOf(t, "//images/horizon:2024.1")
	whDir := e.wheelhouse(t, "//images/horizon:2024.1")
	var wh struct {
		Wheels []struct {
			SdistSHA256 string `json:"sdist_sha256"`
			Filename    string `json:"filename"`
		} `json:"wheels"`
	}
	data, err := os.ReadFile(filepath.Join(whDir, "wheelhouse.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &wh); err != nil {
		t.Fatal(err)
	}
	wheels := filepath.Join(dir, "wheels")
	os.MkdirAll(wheels, 0o755)
	var args []string
	roots := map[string]bool{}
	for _, p := range l.Packages {
		src, name := filepath.Join(e.cacheDir, "sha256", p.SHA256[:2], p.SHA256), p.Filename
		if p.NeedsBuild {
			for _, w := range wh.Wheels {
				if w.SdistSHA256 == p.SHA256 {
					src, name = filepath.Join(whDir, w.Filename), w.Filename
				}
			}
		}
		if err := os.Symlink(src, filepath.Join(wheels, name)); err != nil {
			t.Fatal(err)
		}
		// By name from a local index, not by path: pip records a path install as a direct URL
		// (direct_url.json), which an index install does not have.
		args = append(args, p.Name+"=="+p.Version)
		if p.Root {
			roots[p.Name] = true
		}
	}
	run(t, dir, "/usr/bin/python3.11", "-m", "venv", "--without-pip", prefix)
	run(t, dir, e.python, append([]string{"-m", "pip", "--isolated", "--python", filepath.Join(prefix, "bin", "python"), "install", "--quiet", "--no-deps", "--no-compile", "--no-index", "--find-links", wheels}, args...)...)

	ours := filepath.Join(dir, "ours")
	if err := os.MkdirAll(ours, 0o755); err != nil {
		t.Fatal(err)
	}
	var layers []string
	for _, layer := range m.Layers {
		layers = append(layers, filepath.Join(out, layer.File))
	}
	if err := rootfs.Unpack(ours, layers...); err != nil {
		t.Fatal(err)
	}
	site := filepath.Join("lib", "python3.11", "site-packages")
	pipFiles := treeFiles(t, prefix, site, roots)
	ourFiles := treeFiles(t, filepath.Join(ours, prefix), site, roots)
	var diffs []string
	for p, h := range pipFiles {
		if ourFiles[p] != h {
			diffs = append(diffs, "differs or missing: "+p)
		}
	}
	for p := range ourFiles {
		if _, ok := pipFiles[p]; !ok {
			diffs = append(diffs, "only in citadel's venv: "+p)
		}
	}
	slices.Sort(diffs)
	if len(diffs) > 0 {
		t.Errorf("%d differences from pip, first ones:\n%s", len(diffs), strings.Join(diffs[:min(len(diffs), 30)], "\n"))
	}
	t.Logf("%d files compared with pip's venv", len(pipFiles))
}

// treeFiles hashes the files a wheel install places under root: site-packages and bin (the
// skeleton, activation scripts and interpreter links are the venv tool's, not the install's).
// RECORD is compared as a sorted set of rows without the INSTALLER and REQUESTED rows.
func treeFiles(t *testing.T, root, site string, roots map[string]bool) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, sub := range []string{site, "bin", "include", "share"} {
		filepath.WalkDir(filepath.Join(root, sub), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			base := filepath.Base(p)
			switch {
			case strings.HasSuffix(p, ".pyc"), base == "INSTALLER", base == "REQUESTED":
				return nil
			case sub == "bin" && (strings.HasPrefix(base, "python") || strings.HasPrefix(base, "activate") || base == "Activate.ps1"):
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if base == "RECORD" {
				var rows []string
				for _, row := range strings.Split(strings.TrimSpace(string(data)), "\n") {
					if !strings.Contains(row, ".dist-info/INSTALLER,") && !strings.Contains(row, ".dist-info/REQUESTED,") {
						rows = append(rows, row)
					}
				}
				slices.Sort(rows)
				data = []byte(strings.Join(rows, "\n"))
			}
			sum := sha256.Sum256(data)
			out[rel] = hex.EncodeToString(sum[:])
			return nil
		})
	}
	return out
}

// unpackLayout unpacks the image of an OCI layout into a fresh root filesystem for runc.
func unpackLayout(t *testing.T, layout string) string {
	t.Helper()
	layers, err := rootfs.LayoutLayers(layout)
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(t.TempDir(), "rootfs")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := rootfs.Unpack(root, layers...); err != nil {
		t.Fatal(err)
	}
	return root
}
