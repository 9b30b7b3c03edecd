package image

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// registryDigest parses a registry reference, with or without skopeo's "docker://", and refuses
// one without a digest: a tag can be moved, so building from it is not reproducible.
func registryDigest(ref string) (name.Digest, error) {
	s := strings.TrimPrefix(ref, "docker://")
	if !strings.Contains(s, "@") {
		return name.Digest{}, fmt.Errorf("%q has no digest: a tag can be moved to another image, so pin the base by digest (REGISTRY/REPO@sha256:…; skopeo inspect prints it)", ref)
	}
	d, err := name.NewDigest(s, name.StrictValidation)
	if err != nil {
		// StrictValidation refuses a name without an explicit registry; say what we want.
		return name.Digest{}, fmt.Errorf("%q: want REGISTRY/REPO@sha256:<64 hex digits>: %w", ref, err)
	}
	return d, nil
}

func remoteOptions(ctx context.Context, rt http.RoundTripper) []remote.Option {
	opts := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain)}
	if rt != nil {
		opts = append(opts, remote.WithTransport(rt))
	}
	return opts
}

// registryNode is a registry reference seen as a one-entry image index, so pick resolves it like
// an OCI layout's index.json: an image index is followed to the platform's image.
type registryNode struct {
	ctx  context.Context
	repo name.Repository
	desc *remote.Descriptor
}

func (n registryNode) IndexManifest() (*v1.IndexManifest, error) {
	return &v1.IndexManifest{SchemaVersion: 2, Manifests: []v1.Descriptor{n.desc.Descriptor}}, nil
}

func (n registryNode) child(h v1.Hash) (node, error) {
	ii, err := remote.Index(n.repo.Digest(h.String()), remoteOptions(n.ctx, nil)...)
	if err != nil {
		return nil, err
	}
	return dirNode{ii}, nil
}

func (n registryNode) image(h v1.Hash) (v1.Image, error) {
	return remote.Image(n.repo.Digest(h.String()), remoteOptions(n.ctx, nil)...)
}

// loadRegistry opens REGISTRY/REPO@sha256:… with the Docker credential chain. The registry's
// manifest must have the pinned digest (go-containerregistry and checkImage both verify it).
func loadRegistry(ctx context.Context, ref string, platform v1.Platform) (v1.Image, v1.Hash, error) {
	d, err := registryDigest(ref)
	if err != nil {
		return nil, v1.Hash{}, err
	}
	desc, err := remote.Get(d, remoteOptions(ctx, nil)...)
	if err != nil {
		return nil, v1.Hash{}, err
	}
	if desc.Digest.String() != d.DigestStr() {
		return nil, v1.Hash{}, fmt.Errorf("registry returned manifest %s for %s", desc.Digest, d)
	}
	return pick(registryNode{ctx: ctx, repo: d.Repository, desc: desc}, "registry "+d.Context().Name(), "", platform)
}

// Pushed says where an image went and what the upload cost.
type Pushed struct {
	Ref         string `json:"ref"`           // REPO@sha256:…, the reference to deploy
	Tag         string `json:"tag,omitempty"` // REPO:TAG, if one was given
	Digest      string `json:"digest"`
	BlobsPushed int    `json:"blobs_uploaded"` // blobs the registry did not have yet
	BytesPushed int64  `json:"bytes_uploaded"`
}

// Push uploads img to repo ("REGISTRY/REPO" or "REGISTRY/REPO:TAG") with the Docker credential
// chain, by digest, and also under the tag if one is given. Blobs the registry already has are
// not uploaded again (go-containerregistry checks each one first); Pushed counts those that were.
func Push(ctx context.Context, img v1.Image, repo string) (*Pushed, error) {
	digest, err := img.Digest()
	if err != nil {
		return nil, fmt.Errorf("push %s: %w", repo, err)
	}
	if strings.Contains(repo, "@") {
		return nil, fmt.Errorf("push %s: give REPO or REPO:TAG; the digest is the image's own", repo)
	}
	repoPart, tag := repo, ""
	if i := strings.LastIndex(repo, ":"); i > strings.LastIndex(repo, "/") {
		repoPart, tag = repo[:i], repo[i+1:]
	}
	r, err := name.NewRepository(repoPart, name.StrictValidation)
	if err != nil {
		return nil, fmt.Errorf("push %s: want REGISTRY/REPO[:TAG]: %w", repo, err)
	}
	p := &Pushed{Ref: r.Digest(digest.String()).String(), Digest: digest.String()}
	target := name.Reference(r.Digest(digest.String()))
	if tag != "" {
		t, err := name.NewTag(repoPart+":"+tag, name.StrictValidation)
		if err != nil {
			return nil, fmt.Errorf("push %s: tag %q: %w", repo, tag, err)
		}
		target, p.Tag = t, t.String()
	}
	counter := &uploadCounter{next: remote.DefaultTransport}
	if err := remote.Write(target, img, remoteOptions(ctx, counter)...); err != nil {
		return nil, fmt.Errorf("push %s: %w", repo, err)
	}
	p.BlobsPushed, p.BytesPushed = int(counter.blobs.Load()), counter.bytes.Load()
	return p, nil
}

// uploadCounter counts the blob uploads a push makes: the final PUT of each upload session, and
// the bytes sent in its PATCH or PUT requests.
type uploadCounter struct {
	next         http.RoundTripper
	blobs, bytes atomic.Int64
}

func (c *uploadCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	if !strings.Contains(r.URL.Path, "/blobs/uploads/") || (r.Method != http.MethodPatch && r.Method != http.MethodPut) {
		return c.next.RoundTrip(r)
	}
	if r.Method == http.MethodPut {
		c.blobs.Add(1)
	}
	if r.Body == nil || r.Body == http.NoBody {
		return c.next.RoundTrip(r)
	}
	counted := r.Clone(r.Context())
	counted.Body = &countingBody{ReadCloser: r.Body, n: &c.bytes}
	return c.next.RoundTrip(counted)
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}
