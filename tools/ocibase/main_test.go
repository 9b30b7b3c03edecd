package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func testTarball(t *testing.T) string {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	body := "bookworm\n"
	for _, hdr := range []*tar.Header{
		{Name: "./", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "./etc/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "./etc/debian_version", Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(body))},
	} {
		hdr.ModTime = time.Unix(1700000000, 0)
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := io.WriteString(tw, body); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "rootfs.tar")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func readBlob(t *testing.T, layout, digest string, v any) []byte {
	t.Helper()
	data, err := os.ReadFile(blobPath(layout, digest))
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(data); "sha256:"+hex.EncodeToString(sum[:]) != digest {
		t.Fatalf("blob %s has the wrong content", digest)
	}
	if v != nil {
		if err := json.Unmarshal(data, v); err != nil {
			t.Fatal(err)
		}
	}
	return data
}

func TestRunIsDeterministic(t *testing.T) {
	layer := testTarball(t)
	var digests []string
	for range 2 {
		out := filepath.Join(t.TempDir(), "layout")
		d, err := run(layer, out, "1764720000", "amd64", "bookworm", "test")
		if err != nil {
			t.Fatal(err)
		}
		digests = append(digests, d)

		var idx index
		data, err := os.ReadFile(filepath.Join(out, "index.json"))
		if err != nil || json.Unmarshal(data, &idx) != nil || len(idx.Manifests) != 1 || idx.Manifests[0].Digest != d {
			t.Fatalf("index.json %s does not name manifest %s (%v)", data, d, err)
		}
		var m manifest
		readBlob(t, out, d, &m)
		var cfg imageConfig
		readBlob(t, out, m.Config.Digest, &cfg)
		if cfg.Created != "2025-12-03T00:00:00Z" || cfg.Architecture != "amd64" || cfg.OS != "linux" {
			t.Errorf("config = %+v", cfg)
		}
		gz, err := gzip.NewReader(bytes.NewReader(readBlob(t, out, m.Layers[0].Digest, nil)))
		if err != nil {
			t.Fatal(err)
		}
		tarball, err := io.ReadAll(gz)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(layer)
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(want); !bytes.Equal(tarball, want) || cfg.RootFS.DiffIDs[0] != "sha256:"+hex.EncodeToString(sum[:]) {
			t.Error("the layer is not the tarball, or its diff_id is wrong")
		}
	}
	if digests[0] != digests[1] {
		t.Fatalf("two runs gave %s and %s", digests[0], digests[1])
	}
}
