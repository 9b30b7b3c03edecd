package image

import (
	"context"
	"io"
	"log"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// A registry in this process, on loopback: go-containerregistry's implementation of the
// distribution API (the end-to-end test uses Debian's docker-registry).
func testRegistry(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func TestPushThenLoadBaseByDigest(t *testing.T) {
	host := testRegistry(t)
	img, err := Assemble(context.Background(), syntheticImage(t, baseLayer(t, "11")), skeletonVenv(t, "3.11.2"), testConfig())
	if err != nil {
		t.Fatal(err)
	}
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	first, err := Push(t.Context(), img, host+"/citadel/horizon:2024.1")
	if err != nil {
		t.Fatal(err)
	}
	digest := digestOf(t, img)
	if first.Digest != digest || first.Ref != host+"/citadel/horizon@"+digest || first.Tag != host+"/citadel/horizon:2024.1" {
		t.Fatalf("pushed %+v, want digest %s", first, digest)
	}
	// Every layer and the config are new to the registry.
	if first.BlobsPushed != len(layers)+1 || first.BytesPushed == 0 {
		t.Errorf("first push uploaded %d blobs (%d bytes), want %d", first.BlobsPushed, first.BytesPushed, len(layers)+1)
	}
	again, err := Push(t.Context(), img, host+"/citadel/horizon")
	if err != nil {
		t.Fatal(err)
	}
	if again.BlobsPushed != 0 || again.BytesPushed != 0 || again.Tag != "" {
		t.Errorf("second push: %+v, want nothing uploaded and no tag", again)
	}

	got, gotDigest, err := LoadBase(t.Context(), first.Ref, amd64)
	if err != nil {
		t.Fatal(err)
	}
	if gotDigest != digest || digestOf(t, got) != digest {
		t.Fatalf("LoadBase(%s) = %s", first.Ref, gotDigest)
	}
	if _, _, err := LoadBase(t.Context(), "docker://"+first.Ref, amd64); err != nil {
		t.Fatalf("docker:// form: %v", err)
	}
	if _, _, err := LoadBase(t.Context(), first.Tag, amd64); err == nil || !strings.Contains(err.Error(), "has no digest") {
		t.Fatalf("LoadBase by tag: %v, want a refusal", err)
	}
	missing := host + "/citadel/horizon@sha256:" + strings.Repeat("ab", 32)
	if _, _, err := LoadBase(t.Context(), missing, amd64); err == nil {
		t.Fatalf("LoadBase(%s): no error for a digest the registry lacks", missing)
	}
	if _, err := Push(t.Context(), img, first.Ref); err == nil {
		t.Fatal("Push to REPO@digest: no error")
	}
}

// A multi-platform index pushed to a registry resolves, by digest, to the platform's image.
func TestLoadBaseFromRegistryIndex(t *testing.T) {
	host := testRegistry(t)
	amd, arm := syntheticImage(t, baseLayer(t, "11")), platformImage(t, "arm64")
	idx := mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: arm, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "arm64"}}},
		mutate.IndexAddendum{Add: amd, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}})
	idxDigest, err := idx.Digest()
	if err != nil {
		t.Fatal(err)
	}
	tag, err := name.NewTag(host + "/debian:bookworm")
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(tag, idx); err != nil {
		t.Fatal(err)
	}
	ref := host + "/debian@" + idxDigest.String()
	_, digest, err := LoadBase(t.Context(), ref, amd64)
	if err != nil {
		t.Fatal(err)
	}
	if digest != digestOf(t, amd) {
		t.Fatalf("LoadBase(%s) = %s, want the amd64 image %s", ref, digest, digestOf(t, amd))
	}
	if _, _, err := LoadBase(t.Context(), ref, v1.Platform{OS: "linux", Architecture: "s390x"}); err == nil {
		t.Fatal("s390x from an amd64/arm64 index: no error")
	}
}
