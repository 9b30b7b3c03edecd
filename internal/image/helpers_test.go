package image

import (
	"archive/tar"
	"bytes"
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/citadel-build/citadel/internal/venv"
)

// tf is one entry of a synthetic layer: a directory ends in "/", a symlink is "link -> target".
type tf struct {
	name, data string
	mode       int64
}

// tarLayer builds a deterministic gzip layer from entries, in the given order.
func tarLayer(t *testing.T, entries ...tf) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Mode: e.mode, ModTime: time.Unix(0, 0), Format: tar.FormatPAX}
		if hdr.Mode == 0 {
			hdr.Mode = 0o644
		}
		switch {
		case strings.HasSuffix(e.name, "/"):
			hdr.Typeflag, hdr.Mode = tar.TypeDir, 0o755
		case strings.Contains(e.name, " -> "):
			hdr.Name, hdr.Linkname, _ = strings.Cut(e.name, " -> ")
			hdr.Typeflag = tar.TypeSymlink
		default:
			hdr.Typeflag, hdr.Size = tar.TypeReg, int64(len(e.data))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(e.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	l, err := userLayer(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// syntheticImage builds an amd64 linux image from layers, deterministically.
func syntheticImage(t *testing.T, layers ...v1.Layer) v1.Image {
	t.Helper()
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err := mutate.ConfigFile(img, &v1.ConfigFile{
		Architecture: "amd64", OS: "linux",
		Config: v1.Config{Env: []string{"PATH=/usr/sbin:/usr/bin", "LANG=C.UTF-8"}, Cmd: []string{"bash"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range layers {
		if img, err = mutate.Append(img, mutate.Addendum{Layer: l, MediaType: types.OCILayer, History: v1.History{CreatedBy: "synthetic"}}); err != nil {
			t.Fatal(err)
		}
	}
	return img
}

const (
	basePasswd = "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
	baseGroup  = "root:x:0:\nshadow:x:42:\nnogroup:x:65534:\n"
	baseShadow = "root:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n"
)

// dpkgEntry is a dpkg status paragraph.
func dpkgEntry(pkg, version string) string {
	return "Package: " + pkg + "\nStatus: install ok installed\nPriority: optional\nVersion: " + version + "\nDescription: x\n multi-line\n\n"
}

// baseLayer is a tiny Debian-like root with python3.X.
func baseLayer(t *testing.T, minor string, extra ...tf) v1.Layer {
	entries := []tf{
		{name: "etc/"},
		{name: "etc/group", data: baseGroup},
		{name: "etc/gshadow", data: "root:*::\nshadow:*::\n", mode: 0o640},
		{name: "etc/passwd", data: basePasswd},
		{name: "etc/shadow", data: baseShadow, mode: 0o640},
		{name: "usr/"},
		{name: "usr/bin/"},
		{name: "usr/bin/python3 -> python3." + minor},
		{name: "usr/bin/python3." + minor, data: "ELF", mode: 0o755},
		{name: "usr/lib/"},
		{name: "usr/lib/python3." + minor + "/"},
		{name: "var/"},
		{name: "var/lib/"},
		{name: "var/lib/dpkg/"},
		{name: "var/lib/dpkg/status", data: dpkgEntry("libc6", "2.36-9") + dpkgEntry("python3."+minor, "3."+minor+".2-1+b1")},
	}
	return tarLayer(t, append(entries, extra...)...)
}

// skeletonVenv writes a venv output directory with the skeleton layer only.
func skeletonVenv(t *testing.T, pyVersion string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "venv")
	writeVenv(t, dir, pyVersion, "")
	return dir
}

// writeVenv writes a skeleton-only venv output directory linking to interpreter (default
// /usr/bin/python3.X).
func writeVenv(t *testing.T, dir, pyVersion, interpreter string) {
	t.Helper()
	cfg := venv.Config{Prefix: "/var/lib/openstack", PythonVersion: pyVersion, Interpreter: interpreter, Epoch: 1700000000}
	if _, err := venv.Build(context.Background(), cfg, nil, dir); err != nil {
		t.Fatal(err)
	}
}

func testConfig() Config {
	return Config{
		User: "horizon", UID: 42424, GID: 42424,
		Entrypoint: []string{"/var/lib/openstack/bin/horizon"}, Cmd: []string{"--help"},
		Env:    []string{"LANG=en_US.UTF-8", "OS_SERVICE=horizon"},
		Labels: map[string]string{"org.opencontainers.image.source": "https://example.invalid/citadel", "io.citadel.release": "2024.1"},
		Epoch:  1700000000,
	}
}

// layerFiles returns the entries (name -> header) and contents of a layer.
func layerFiles(t *testing.T, l v1.Layer) (map[string]*tar.Header, map[string]string) {
	t.Helper()
	rc, err := l.Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	hdrs, data := map[string]*tar.Header{}, map[string]string{}
	tr := tar.NewReader(rc)
	for {
		hdr, err := tr.Next()
		if err != nil {
			break
		}
		var b bytes.Buffer
		b.ReadFrom(tr)
		hdrs[hdr.Name], data[hdr.Name] = hdr, b.String()
	}
	return hdrs, data
}

func sortedNames(m map[string]*tar.Header) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
