// Command ocibase wraps a root filesystem tarball as a one-layer OCI image layout with a fixed
// config, deterministically: the same tarball and flags give the same manifest digest, which it
// prints. tools/debian-base.sh uses it on mmdebstrap's output.
package main

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

const (
	mediaTypeManifest = "application/vnd.oci.image.manifest.v1+json"
	mediaTypeConfig   = "application/vnd.oci.image.config.v1+json"
	mediaTypeLayer    = "application/vnd.oci.image.layer.v1.tar+gzip"
	defaultPath       = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
)

func main() {
	layer := flag.String("layer", "", "root filesystem `tarball` (uncompressed)")
	out := flag.String("out", "", "`directory` to write the OCI image layout to (must not exist)")
	created := flag.String("created", "", "image creation time in Unix `seconds` (SOURCE_DATE_EPOCH)")
	arch := flag.String("arch", "amd64", "image `architecture`")
	ref := flag.String("ref", "", "org.opencontainers.image.ref.name of the image in index.json")
	createdBy := flag.String("created-by", "", "history entry: the command that made the layer")
	flag.Parse()
	if *layer == "" || *out == "" || *created == "" || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	digest, err := run(*layer, *out, *created, *arch, *ref, *createdBy)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ocibase:", err)
		os.Exit(1)
	}
	fmt.Println(digest)
}

type descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

type imageConfig struct {
	Created      string `json:"created"`
	Architecture string `json:"architecture"`
	OS           string `json:"os"`
	Config       struct {
		Env []string `json:"Env"`
		Cmd []string `json:"Cmd"`
	} `json:"config"`
	RootFS struct {
		Type    string   `json:"type"`
		DiffIDs []string `json:"diff_ids"`
	} `json:"rootfs"`
	History []history `json:"history"`
}

type history struct {
	Created   string `json:"created"`
	CreatedBy string `json:"created_by,omitempty"`
}

type manifest struct {
	SchemaVersion int          `json:"schemaVersion"`
	MediaType     string       `json:"mediaType"`
	Config        descriptor   `json:"config"`
	Layers        []descriptor `json:"layers"`
}

type index struct {
	SchemaVersion int          `json:"schemaVersion"`
	MediaType     string       `json:"mediaType"`
	Manifests     []descriptor `json:"manifests"`
}

// run writes the layout and returns the manifest digest.
func run(layerTar, out, createdSecs, arch, ref, createdBy string) (string, error) {
	secs, err := strconv.ParseInt(createdSecs, 10, 64)
	if err != nil {
		return "", fmt.Errorf("parse -created %q: %w", createdSecs, err)
	}
	created := time.Unix(secs, 0).UTC().Format(time.RFC3339)
	if err := os.Mkdir(out, 0o755); err != nil {
		return "", fmt.Errorf("create layout: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(out, "blobs", "sha256"), 0o755); err != nil {
		return "", fmt.Errorf("create layout: %w", err)
	}
	layer, diffID, err := writeLayer(out, layerTar)
	if err != nil {
		return "", err
	}

	var cfg imageConfig
	cfg.Created = created
	cfg.Architecture = arch
	cfg.OS = "linux"
	cfg.Config.Env = []string{defaultPath}
	cfg.Config.Cmd = []string{"bash"}
	cfg.RootFS.Type = "layers"
	cfg.RootFS.DiffIDs = []string{diffID}
	cfg.History = []history{{Created: created, CreatedBy: createdBy}}
	config, err := writeJSONBlob(out, mediaTypeConfig, cfg)
	if err != nil {
		return "", err
	}
	m, err := writeJSONBlob(out, mediaTypeManifest, manifest{
		SchemaVersion: 2,
		MediaType:     mediaTypeManifest,
		Config:        config,
		Layers:        []descriptor{layer},
	})
	if err != nil {
		return "", err
	}
	if ref != "" {
		m.Annotations = map[string]string{"org.opencontainers.image.ref.name": ref}
	}
	idx := index{SchemaVersion: 2, MediaType: "application/vnd.oci.image.index.v1+json", Manifests: []descriptor{m}}
	if err := writeJSON(filepath.Join(out, "index.json"), idx); err != nil {
		return "", err
	}
	if err := writeJSON(filepath.Join(out, "oci-layout"), map[string]string{"imageLayoutVersion": "1.0.0"}); err != nil {
		return "", err
	}
	return m.Digest, nil
}

// writeLayer gzips the tarball into a blob and returns its descriptor and the tarball's digest
// (the diff_id). The gzip header carries no name or time, so the blob depends only on the
// tarball and the Go version's compressor.
func writeLayer(out, layerTar string) (descriptor, string, error) {
	in, err := os.Open(layerTar)
	if err != nil {
		return descriptor{}, "", fmt.Errorf("read layer: %w", err)
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Join(out, "blobs", "sha256"), ".layer-*")
	if err != nil {
		return descriptor{}, "", fmt.Errorf("write layer: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()

	blobHash := sha256.New()
	counter := &countingWriter{w: io.MultiWriter(tmp, blobHash)}
	gz := gzip.NewWriter(counter)
	tarHash := sha256.New()
	if _, err := io.Copy(io.MultiWriter(gz, tarHash), in); err != nil {
		return descriptor{}, "", fmt.Errorf("compress layer %s: %w", layerTar, err)
	}
	if err := gz.Close(); err != nil {
		return descriptor{}, "", fmt.Errorf("compress layer %s: %w", layerTar, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return descriptor{}, "", fmt.Errorf("write layer: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return descriptor{}, "", fmt.Errorf("write layer: %w", err)
	}
	d := descriptor{MediaType: mediaTypeLayer, Digest: digestOf(blobHash), Size: counter.n}
	if err := os.Rename(tmp.Name(), blobPath(out, d.Digest)); err != nil {
		return descriptor{}, "", fmt.Errorf("write layer: %w", err)
	}
	return d, digestOf(tarHash), nil
}

func writeJSONBlob(out, mediaType string, v any) (descriptor, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return descriptor{}, fmt.Errorf("encode %s: %w", mediaType, err)
	}
	sum := sha256.Sum256(data)
	d := descriptor{MediaType: mediaType, Digest: "sha256:" + hex.EncodeToString(sum[:]), Size: int64(len(data))}
	if err := os.WriteFile(blobPath(out, d.Digest), data, 0o644); err != nil {
		return descriptor{}, fmt.Errorf("write %s: %w", mediaType, err)
	}
	return d, nil
}

func writeJSON(path string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func blobPath(out, digest string) string {
	return filepath.Join(out, "blobs", "sha256", digest[len("sha256:"):])
}

func digestOf(h hash.Hash) string {
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
