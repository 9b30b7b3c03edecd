package rootfs

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeBlob stores data in the layout and returns its descriptor as JSON.
func writeBlob(t *testing.T, layout, mediaType string, data []byte) (string, string) {
	t.Helper()
	sum := sha256.Sum256(data)
	hexSum := hex.EncodeToString(sum[:])
	if err := os.WriteFile(filepath.Join(layout, "blobs", "sha256", hexSum), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf(`{"mediaType":%q,"digest":"sha256:%s","size":%d}`, mediaType, hexSum, len(data)), hexSum
}

// testLayout writes a two-layer image layout and returns its directory and the layers' blob
// names.
func testLayout(t *testing.T) (string, []string) {
	t.Helper()
	layout := t.TempDir()
	if err := os.MkdirAll(filepath.Join(layout, "blobs", "sha256"), 0o755); err != nil {
		t.Fatal(err)
	}
	l1, h1 := writeBlob(t, layout, "application/vnd.oci.image.layer.v1.tar+gzip", []byte("layer one"))
	l2, h2 := writeBlob(t, layout, "application/vnd.oci.image.layer.v1.tar", []byte("layer two"))
	cfg, _ := writeBlob(t, layout, "application/vnd.oci.image.config.v1+json", []byte(`{}`))
	m, _ := writeBlob(t, layout, "application/vnd.oci.image.manifest.v1+json",
		[]byte(`{"schemaVersion":2,"config":`+cfg+`,"layers":[`+l1+`,`+l2+`]}`))
	if err := os.WriteFile(filepath.Join(layout, "index.json"), []byte(`{"schemaVersion":2,"manifests":[`+m+`]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	return layout, []string{h1, h2}
}

func TestLayoutLayers(t *testing.T) {
	layout, blobs := testLayout(t)
	got, err := LayoutLayers(layout)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || filepath.Base(got[0]) != blobs[0] || filepath.Base(got[1]) != blobs[1] {
		t.Fatalf("LayoutLayers = %v, want blobs %v in order", got, blobs)
	}

	if err := os.WriteFile(got[1], []byte("layer 2wo"), 0o644); err != nil { // same size
		t.Fatal(err)
	}
	if _, err := LayoutLayers(layout); !errors.Is(err, ErrBlobMismatch) {
		t.Fatalf("tampered layer: err = %v, want ErrBlobMismatch", err)
	}
}

func TestLayoutLayersRejects(t *testing.T) {
	for _, tc := range []struct{ name, index, wantErr string }{
		{"two images", `{"manifests":[%s,%[1]s]}`, "exactly one image manifest"},
		{"no image", `{"manifests":[]}`, "exactly one image manifest"},
		{"path in digest", `{"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:../../../etc/passwd","size":1}]}`, "unsupported digest"},
		{"nested index", `{"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:00","size":1}]}`, "exactly one image manifest"},
		{"not JSON", `{`, "parse"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			layout, _ := testLayout(t)
			data, err := os.ReadFile(filepath.Join(layout, "index.json"))
			if err != nil {
				t.Fatal(err)
			}
			manifest := strings.TrimSuffix(strings.TrimPrefix(string(data), `{"schemaVersion":2,"manifests":[`), `]}`)
			index := tc.index
			if strings.Contains(index, "%s") {
				index = fmt.Sprintf(index, manifest)
			}
			if err := os.WriteFile(filepath.Join(layout, "index.json"), []byte(index), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := LayoutLayers(layout); err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("LayoutLayers error = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}
