// Package fetch obtains files by sha256: from distdirs first (any name, any depth, as Bazel's
// --distdir), then from a content-addressed cache, then from the network. Every byte returned has
// been checked against the expected hash, whatever its source.
package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/citadel-build/citadel/internal/atomicfile"
)

// Want describes one file to obtain.
type Want struct {
	Name   string // what the file is, for messages (e.g. "upper-constraints for //releases/2023.1")
	URL    string
	SHA256 string // lowercase hex
	Size   int64  // 0 when unknown
}

// Fetcher obtains files by hash. The zero value is not usable; call New.
type Fetcher struct {
	distdirs []string
	cacheDir string
	offline  bool
	client   *http.Client
	attempts int
	backoff  time.Duration
	progress func(int64)

	dist struct { // distdir contents, scanned on first use
		sync.Mutex
		files []string
		sums  map[string]string
	}
}

// Option configures a Fetcher.
type Option func(*Fetcher)

// WithDistdirs adds directories searched, recursively, before the cache and the network.
func WithDistdirs(dirs ...string) Option {
	return func(f *Fetcher) { f.distdirs = append(f.distdirs, dirs...) }
}

// WithCacheDir sets the content-addressed cache. Without it nothing is cached.
func WithCacheDir(dir string) Option { return func(f *Fetcher) { f.cacheDir = dir } }

// WithOffline forbids network access.
func WithOffline(offline bool) Option { return func(f *Fetcher) { f.offline = offline } }

// WithHTTPClient sets the client used for downloads.
func WithHTTPClient(c *http.Client) Option { return func(f *Fetcher) { f.client = c } }

// WithProgress reports downloaded bytes as they arrive (from several goroutines at once).
func WithProgress(report func(bytes int64)) Option { return func(f *Fetcher) { f.progress = report } }

// WithRetries sets how many times a download is attempted and the first backoff delay, which
// doubles after each failed attempt.
func WithRetries(attempts int, backoff time.Duration) Option {
	return func(f *Fetcher) { f.attempts, f.backoff = attempts, backoff }
}

// New returns a Fetcher.
func New(opts ...Option) *Fetcher {
	f := &Fetcher{client: http.DefaultClient, attempts: 4, backoff: 500 * time.Millisecond}
	for _, o := range opts {
		o(f)
	}
	if f.attempts < 1 {
		f.attempts = 1
	}
	return f
}

// DefaultCacheDir is $XDG_CACHE_HOME/citadel, or ~/.cache/citadel.
func DefaultCacheDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("locate cache directory (set --cache-dir): %w", err)
	}
	return filepath.Join(dir, "citadel"), nil
}

// ErrOffline is returned when a file is in no distdir or cache and the network is forbidden.
var ErrOffline = errors.New("not in any --distdir or the cache, and --offline forbids the network")

// Fetch returns the path of a local file whose content has the wanted sha256 (and size, if given).
// A path inside a distdir is returned as is; downloads land in the cache.
func (f *Fetcher) Fetch(ctx context.Context, w Want) (string, error) {
	w.SHA256 = strings.ToLower(w.SHA256)
	if len(w.SHA256) != sha256.Size*2 {
		return "", fmt.Errorf("fetch %s: expected sha256 %q is not 64 hex digits", w.Name, w.SHA256)
	}
	if _, err := hex.DecodeString(w.SHA256); err != nil {
		return "", fmt.Errorf("fetch %s: expected sha256 %q is not hex: %w", w.Name, w.SHA256, err)
	}
	if p, err := f.Local(w); err != nil || p != "" {
		return p, err
	}
	if f.offline {
		return "", fmt.Errorf("fetch %s (sha256 %s): %w", w.Name, w.SHA256, ErrOffline)
	}
	if f.cacheDir == "" {
		return "", fmt.Errorf("fetch %s: no cache directory to download into", w.Name)
	}
	return f.download(ctx, w)
}

// Local returns the path of a verified copy in a distdir or the cache, without the network;
// "" when there is none.
func (f *Fetcher) Local(w Want) (string, error) {
	w.SHA256 = strings.ToLower(w.SHA256)
	if p, err := f.fromDistdirs(w); err != nil || p != "" {
		return p, err
	}
	return f.fromCache(w)
}

// fromDistdirs tries files named like the URL first, then every other file. Each file is
// hashed at most once per Fetcher, so looking up many files in a large distdir stays linear.
func (f *Fetcher) fromDistdirs(w Want) (string, error) {
	if len(f.distdirs) == 0 {
		return "", nil
	}
	f.dist.Lock()
	defer f.dist.Unlock()
	if f.dist.files == nil {
		if err := f.scanDistdirs(); err != nil {
			return "", fmt.Errorf("fetch %s: %w", w.Name, err)
		}
	}
	base := path.Base(w.URL)
	for _, p := range f.dist.files {
		if filepath.Base(p) == base && f.distHash(p) == w.SHA256 && sizeOK(p, w.Size) {
			return p, nil
		}
	}
	for _, p := range f.dist.files {
		if f.distHash(p) == w.SHA256 && sizeOK(p, w.Size) {
			return p, nil
		}
	}
	return "", nil
}

func (f *Fetcher) scanDistdirs() error {
	f.dist.files = []string{}
	f.dist.sums = map[string]string{}
	for _, dir := range f.distdirs {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() {
				f.dist.files = append(f.dist.files, p)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("search --distdir %s: %w", dir, err)
		}
	}
	return nil
}

// distHash memoises file hashes; an unreadable file hashes to "" and never matches.
func (f *Fetcher) distHash(p string) string {
	if s, ok := f.dist.sums[p]; ok {
		return s
	}
	s, _ := HashFile(p)
	f.dist.sums[p] = s
	return s
}

func sizeOK(p string, size int64) bool {
	if size <= 0 {
		return true
	}
	fi, err := os.Stat(p)
	return err == nil && fi.Size() == size
}

// HashFile returns the hex sha256 of a file.
func HashFile(p string) (string, error) {
	file, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer file.Close()
	h := sha256.New()
	if _, err := io.Copy(h, file); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// CachePath is where the cache keeps a file with the given sha256.
func (f *Fetcher) CachePath(sha string) string {
	return filepath.Join(f.cacheDir, "sha256", sha[:2], sha)
}

// fromCache re-verifies a cached entry on every use, so a corrupted cache cannot hide a failure;
// a bad entry is removed and fetched again.
func (f *Fetcher) fromCache(w Want) (string, error) {
	if f.cacheDir == "" {
		return "", nil
	}
	p := f.CachePath(w.SHA256)
	ok, err := matches(p, w)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if ok {
		return p, nil
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("fetch %s: remove corrupt cache entry %s: %w", w.Name, p, err)
	}
	return "", nil
}

func matches(p string, w Want) (bool, error) {
	if _, err := os.Stat(p); err != nil {
		return false, err
	}
	if !sizeOK(p, w.Size) {
		return false, nil
	}
	sum, err := HashFile(p)
	return sum == w.SHA256, err
}

// MismatchError reports bytes that did not hash to what was expected.
type MismatchError struct {
	Name, URL        string
	Expected, Actual string
	ExpectedSize     int64
	ActualSize       int64
}

func (e *MismatchError) Error() string {
	if e.ExpectedSize > 0 && e.ExpectedSize != e.ActualSize {
		return fmt.Sprintf("%s: %s: expected %d bytes, got %d (sha256 %s)", e.Name, e.URL, e.ExpectedSize, e.ActualSize, e.Actual)
	}
	return fmt.Sprintf("%s: %s: expected sha256 %s, got %s", e.Name, e.URL, e.Expected, e.Actual)
}

// statusError is an HTTP response that is not 200; 5xx and 429 are worth retrying.
type statusError struct {
	url    string
	status int
}

func (e *statusError) Error() string {
	return fmt.Sprintf("GET %s: %d %s", e.url, e.status, http.StatusText(e.status))
}

func (f *Fetcher) download(ctx context.Context, w Want) (string, error) {
	dst := f.CachePath(w.SHA256)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", fmt.Errorf("fetch %s: %w", w.Name, err)
	}
	delay := f.backoff
	var last error
	for attempt := 1; attempt <= f.attempts; attempt++ {
		err := f.downloadOnce(ctx, w, dst)
		if err == nil {
			return dst, nil
		}
		last = err
		if !retryable(err) || attempt == f.attempts {
			break
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("fetch %s: %w", w.Name, ctx.Err())
		case <-time.After(delay):
		}
		delay *= 2
	}
	return "", fmt.Errorf("fetch %s: %w", w.Name, last)
}

func retryable(err error) bool {
	var se *statusError
	if errors.As(err, &se) {
		return se.status >= 500 || se.status == http.StatusTooManyRequests || se.status == http.StatusRequestTimeout
	}
	var me *MismatchError
	if errors.As(err, &me) || errors.Is(err, context.Canceled) {
		return false
	}
	// Connection resets, timeouts and short reads: the network's fault, try again.
	return true
}

// downloadOnce streams the body through the hash into a temporary file that only becomes the
// cache entry, by rename, once size and hash are verified.
func (f *Fetcher) downloadOnce(ctx context.Context, w Want, dst string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.URL, nil)
	if err != nil {
		return err
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return &statusError{url: w.URL, status: resp.StatusCode}
	}
	return atomicfile.Write(dst, 0o644, func(out io.Writer) error {
		h := sha256.New()
		var body io.Reader = resp.Body
		if f.progress != nil {
			body = progressReader{body, f.progress}
		}
		n, err := io.Copy(io.MultiWriter(out, h), body)
		if err != nil {
			return fmt.Errorf("GET %s: %w", w.URL, err)
		}
		got := hex.EncodeToString(h.Sum(nil))
		if got != w.SHA256 || (w.Size > 0 && n != w.Size) {
			return &MismatchError{Name: w.Name, URL: w.URL, Expected: w.SHA256, Actual: got, ExpectedSize: w.Size, ActualSize: n}
		}
		return nil
	})
}

type progressReader struct {
	r      io.Reader
	report func(int64)
}

func (p progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.report(int64(n))
	}
	return n, err
}
