package image

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// verifyingReader fails the read that reaches the end of a blob whose size or sha256 is not
// the expected one, so a corrupt blob is never silently copied.
type verifyingReader struct {
	r    io.Reader
	c    io.Closer
	h    hash.Hash
	n    int64
	want v1.Hash
	size int64
	what string
}

func newVerifyingReader(rc io.ReadCloser, want v1.Hash, size int64, what string) *verifyingReader {
	return &verifyingReader{r: rc, c: rc, h: sha256.New(), want: want, size: size, what: what}
}

func (v *verifyingReader) Read(p []byte) (int, error) {
	n, err := v.r.Read(p)
	v.h.Write(p[:n])
	v.n += int64(n)
	if err == io.EOF {
		if got := sha256Hash(v.h); got != v.want || v.n != v.size {
			return n, fmt.Errorf("%s: got %s (%d bytes), want %s (%d bytes): blob does not match its descriptor", v.what, got, v.n, v.want, v.size)
		}
	}
	return n, err
}

func (v *verifyingReader) Close() error { return v.c.Close() }

func sha256Hash(h hash.Hash) v1.Hash {
	return v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))}
}

// blobLayer is a compressed layer whose digest, diff ID and size are known up front; its content
// is checked against the digest and size whenever it is read.
type blobLayer struct {
	digest, diffID v1.Hash
	size           int64
	mediaType      types.MediaType
	open           func() (io.ReadCloser, error)
	what           string
}

func (l *blobLayer) Digest() (v1.Hash, error)            { return l.digest, nil }
func (l *blobLayer) DiffID() (v1.Hash, error)            { return l.diffID, nil }
func (l *blobLayer) Size() (int64, error)                { return l.size, nil }
func (l *blobLayer) MediaType() (types.MediaType, error) { return l.mediaType, nil }
func (l *blobLayer) Compressed() (io.ReadCloser, error) {
	rc, err := l.open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.what, err)
	}
	return newVerifyingReader(rc, l.digest, l.size, l.what), nil
}

func (l *blobLayer) layer() (v1.Layer, error) { return partial.CompressedToLayer(l) }

// decompress returns the tar stream of a layer blob: gzip, zstd or uncompressed, told apart by
// their magic numbers as container runtimes do.
func decompress(r io.Reader) (io.ReadCloser, error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(4)
	if err != nil && err != io.EOF {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		return gzip.NewReader(br)
	case bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(br)
		if err != nil {
			return nil, err
		}
		return zr.IOReadCloser(), nil
	}
	return io.NopCloser(br), nil
}

// readLayer streams a layer blob through fn as a tar stream and checks the blob's digest and
// size and the tar's diff ID. fn may stop early; the rest is read to finish the checks.
func readLayer(compressed io.Reader, digest, diffID v1.Hash, size int64, what string, fn func(io.Reader) error) error {
	vr := newVerifyingReader(io.NopCloser(compressed), digest, size, "compressed blob")
	tr, err := decompress(vr)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer tr.Close()
	h := sha256.New()
	tee := io.TeeReader(tr, h)
	if err := fn(tee); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if got := sha256Hash(h); got != diffID {
		return fmt.Errorf("%s: uncompressed content has diff ID %s, want %s", what, got, diffID)
	}
	// Reach the compressed stream's end so the digest check runs.
	if _, err := io.Copy(io.Discard, vr); err != nil {
		return err
	}
	return nil
}
