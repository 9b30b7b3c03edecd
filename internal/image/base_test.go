package image

import (
	"archive/tar"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
)

var amd64 = v1.Platform{OS: "linux", Architecture: "amd64"}

// platformImage is a synthetic base for another platform.
func platformImage(t *testing.T, arch string) v1.Image {
	t.Helper()
	img := syntheticImage(t, baseLayer(t, "11"))
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.Architecture = arch
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	return img
}

func digestOf(t *testing.T, img v1.Image) string {
	t.Helper()
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d.String()
}

func TestWriteLayoutThenLoadBase(t *testing.T) {
	img, err := Assemble(context.Background(), syntheticImage(t, baseLayer(t, "11")), skeletonVenv(t, "3.11.2"), testConfig())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "out")
	d, err := WriteLayout(img, dir, "horizon:2024.1")
	if err != nil {
		t.Fatal(err)
	}
	if d.String() != digestOf(t, img) {
		t.Fatalf("WriteLayout returned %s, image is %s", d, digestOf(t, img))
	}
	for _, ref := range []string{"oci:" + dir, "oci:" + dir + ":horizon:2024.1"} {
		loaded, digest, err := LoadBase(t.Context(), ref, amd64)
		if err != nil {
			t.Fatalf("LoadBase(%q): %v", ref, err)
		}
		if digest != d.String() || digestOf(t, loaded) != d.String() {
			t.Fatalf("LoadBase(%q) = %s, want %s", ref, digest, d)
		}
	}
	if _, _, err := LoadBase(t.Context(), "oci:"+dir+":keystone", amd64); err == nil || !strings.Contains(err.Error(), `no image named "keystone" (names: "horizon:2024.1")`) {
		t.Fatalf("unknown ref: %v", err)
	}

	// Writing again replaces the layout; a directory that is not one is refused.
	if _, err := WriteLayout(img, dir, "again"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadBase(t.Context(), "oci:"+dir+":again", amd64); err != nil {
		t.Fatal(err)
	}
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "precious"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteLayout(img, other, ""); err == nil || !strings.Contains(err.Error(), "not an OCI layout") {
		t.Fatalf("non-layout directory: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".out.tmp-*")); len(left) > 0 {
		t.Fatalf("temporary directories left: %v", left)
	}
}

// tarDir writes dir as an uncompressed tar, as skopeo's oci-archive transport does.
func tarDir(t *testing.T, dir, file string) {
	t.Helper()
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	err = filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		hdr, err := tar.FileInfoHeader(info, "")
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		hdr.Name = filepath.ToSlash(rel)
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if e.IsDir() {
			return nil
		}
		src, err := os.Open(p)
		if err != nil {
			return err
		}
		defer src.Close()
		_, err = io.Copy(tw, src)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestLoadBaseFromArchive(t *testing.T) {
	base := syntheticImage(t, baseLayer(t, "11"))
	dir := filepath.Join(t.TempDir(), "base")
	if _, err := WriteLayout(base, dir, "bookworm"); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "base.tar")
	tarDir(t, dir, archive)
	for _, ref := range []string{"oci-archive:" + archive, "oci-archive:" + archive + ":bookworm"} {
		img, digest, err := LoadBase(t.Context(), ref, amd64)
		if err != nil {
			t.Fatalf("LoadBase(%q): %v", ref, err)
		}
		if digest != digestOf(t, base) {
			t.Fatalf("LoadBase(%q) = %s, want %s", ref, digest, digestOf(t, base))
		}
		// The archive's layers are read in place: assembling on it gives the same image.
		fromArchive, err := Assemble(context.Background(), img, skeletonVenv(t, "3.11.2"), testConfig())
		if err != nil {
			t.Fatal(err)
		}
		if got := digestOf(t, fromArchive); got != goldenDigest {
			t.Fatalf("assembled on the archive: %s, want %s", got, goldenDigest)
		}
		if _, err := WriteLayout(fromArchive, filepath.Join(t.TempDir(), "out"), ""); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoadBasePicksPlatform(t *testing.T) {
	amdImg, armImg := platformImage(t, "amd64"), platformImage(t, "arm64")
	idx := mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: armImg, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "arm64"}}},
		mutate.IndexAddendum{Add: amdImg, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}})

	flat := t.TempDir()
	if _, err := layout.Write(flat, idx); err != nil {
		t.Fatal(err)
	}
	nested := t.TempDir()
	p, err := layout.Write(nested, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendIndex(idx, layout.WithAnnotations(map[string]string{refName: "multi"})); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"oci:" + flat, "oci:" + nested, "oci:" + nested + ":multi"} {
		_, digest, err := LoadBase(t.Context(), ref, amd64)
		if err != nil {
			t.Fatalf("LoadBase(%q): %v", ref, err)
		}
		if digest != digestOf(t, amdImg) {
			t.Fatalf("LoadBase(%q) = %s, want the amd64 image %s", ref, digest, digestOf(t, amdImg))
		}
		_, _, err = LoadBase(t.Context(), ref, v1.Platform{OS: "linux", Architecture: "s390x"})
		if err == nil {
			t.Fatalf("LoadBase(%q) for s390x: no error", ref)
		}
		t.Log(err)
	}

	// A descriptor that lies about its image's platform.
	lying := t.TempDir()
	if _, err := layout.Write(lying, mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: armImg, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}})); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadBase(t.Context(), "oci:"+lying, amd64); err == nil || !strings.Contains(err.Error(), "image is for linux/arm64, want linux/amd64") {
		t.Fatalf("lying descriptor: %v", err)
	}
}

// References that could name different images over time are refused before any network use.
func TestLoadBaseRefusesMovableReferences(t *testing.T) {
	for _, tc := range []struct{ ref, want string }{
		{"docker://debian:bookworm", "has no digest"},
		{"debian:bookworm", "has no digest"},
		{"127.0.0.1:1/citadel/debian:bookworm", "has no digest"},
		{"debian@sha256:" + strings.Repeat("0", 64), "want REGISTRY/REPO@sha256"},
		{"127.0.0.1:1/debian@sha256:0123", "want REGISTRY/REPO@sha256"},
		{"oci:", "want oci:DIR"},
		{"oci-archive:", "want oci:DIR"},
	} {
		_, _, err := LoadBase(t.Context(), tc.ref, amd64)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("LoadBase(%q) = %v, want an error containing %q", tc.ref, err, tc.want)
		}
	}
}

// The archive of a layout is byte-identical whenever it is written, and reads back as a base.
func TestWriteArchiveIsDeterministic(t *testing.T) {
	img, err := Assemble(context.Background(), syntheticImage(t, baseLayer(t, "11")), skeletonVenv(t, "3.11.2"), testConfig())
	if err != nil {
		t.Fatal(err)
	}
	var archives [2][]byte
	for i := range archives {
		dir := filepath.Join(t.TempDir(), "layout")
		if _, err := WriteLayout(img, dir, "horizon:2024.1"); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), "image.tar")
		if err := WriteArchive(dir, file); err != nil {
			t.Fatal(err)
		}
		if archives[i], err = os.ReadFile(file); err != nil {
			t.Fatal(err)
		}
		_, digest, err := LoadBase(t.Context(), "oci-archive:"+file+":horizon:2024.1", amd64)
		if err != nil {
			t.Fatal(err)
		}
		if digest != digestOf(t, img) {
			t.Fatalf("archive holds %s, want %s", digest, digestOf(t, img))
		}
	}
	if string(archives[0]) != string(archives[1]) {
		t.Fatal("two archives of the same image differ")
	}
}
