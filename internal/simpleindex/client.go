// Package simpleindex reads Python package indexes through the simple repository API (PEP 503
// HTML and PEP 691 JSON pages, with PEPs 592, 629, 658/714 and 700), so Citadel can list a
// project's files with their hashes and read wheel metadata without downloading wheels.
package simpleindex

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/citadel-build/citadel/internal/pep503"
)

// Client asks indexes for project pages and metadata files. It is safe for concurrent use, and
// remembers each project page it found (or did not find) for its lifetime, so a lock run asks
// each index for each project once.
//
// Indexes are searched with uv's default "first index" strategy: a project's files come from the
// first index, in the order given to New, that has the project at all, and later indexes are not
// asked about it. Unlike pip, which merges every index's files, this means a same-named project
// published on a later (say public) index can never replace or add to one from an earlier
// (say private) index: the defence against dependency confusion.
type Client struct {
	indexes  []Index
	http     *http.Client
	sem      chan struct{}
	ua       string
	attempts int
	backoff  time.Duration

	mu    sync.Mutex
	pages map[string]*pageCall // by normalised project name
}

// pageCall is one project lookup, shared by the callers that ask while it runs.
type pageCall struct {
	done     chan struct{}
	project  *Project
	err      error
	canceled bool // the lookup failed because its caller's context ended
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the HTTP client (timeouts, proxies, TLS). The default uses
// http.DefaultTransport with a two-minute timeout per request.
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithConcurrency limits how many requests are in flight at once (default 16; at least 1).
func WithConcurrency(n int) Option {
	return func(c *Client) { c.sem = make(chan struct{}, max(n, 1)) }
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *Client) { c.ua = ua } }

// WithRetries sets how many times a request is attempted (default 4) and the first delay between
// attempts (default 500ms), which doubles each time. 5xx, 429 and 408 responses and network
// errors (including timeouts) are retried; a Retry-After header can lengthen the delay.
func WithRetries(attempts int, backoff time.Duration) Option {
	return func(c *Client) { c.attempts, c.backoff = max(attempts, 1), backoff }
}

// New returns a Client for the indexes, searched in the given order.
func New(indexes []Index, opts ...Option) *Client {
	c := &Client{
		http:     &http.Client{Timeout: 2 * time.Minute},
		sem:      make(chan struct{}, 16),
		ua:       "citadel",
		attempts: 4,
		backoff:  500 * time.Millisecond,
		pages:    map[string]*pageCall{},
	}
	for _, idx := range indexes {
		if !strings.HasSuffix(idx.URL, "/") {
			idx.URL += "/"
		}
		c.indexes = append(c.indexes, idx)
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// ErrNotFound is returned, wrapped, when no index has the project.
var ErrNotFound = errors.New("not found on any index")

// Project returns the page of the named project (any spelling; it is normalised) from the first
// index that has it. An HTTP 404 from an index means "not here, ask the next one"; any other
// failure, after retries, is an error naming the URL, and later indexes are not asked, so a
// broken private index cannot silently fall through to a public one.
func (c *Client) Project(ctx context.Context, name string) (*Project, error) {
	if !pep503.Valid(name) {
		return nil, fmt.Errorf("project %q: not a valid distribution name", name)
	}
	key := pep503.Normalize(name)
	for {
		c.mu.Lock()
		call, ok := c.pages[key]
		if !ok {
			call = &pageCall{done: make(chan struct{})}
			c.pages[key] = call
			c.mu.Unlock()
			call.project, call.err = c.lookup(ctx, key)
			if call.err != nil && !errors.Is(call.err, ErrNotFound) {
				call.canceled = ctx.Err() != nil
				c.mu.Lock()
				delete(c.pages, key) // let a later call try again
				c.mu.Unlock()
			}
			close(call.done)
			return call.result()
		}
		c.mu.Unlock()
		select {
		case <-call.done:
		case <-ctx.Done():
			return nil, fmt.Errorf("project %s: %w", key, ctx.Err())
		}
		if !call.canceled {
			return call.result()
		}
		// The caller that ran the lookup gave up; run it again for this one.
	}
}

func (call *pageCall) result() (*Project, error) {
	if call.err != nil {
		return nil, call.err
	}
	return call.project.clone(), nil
}

func (c *Client) lookup(ctx context.Context, key string) (*Project, error) {
	if len(c.indexes) == 0 {
		return nil, fmt.Errorf("project %s: no indexes configured", key)
	}
	var asked []string
	for _, idx := range c.indexes {
		p, err := c.projectPage(ctx, idx, key)
		var se *statusError
		if errors.As(err, &se) && se.code == http.StatusNotFound {
			asked = append(asked, idx.String())
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("project %s on index %s: %w", key, idx, err)
		}
		return p, nil
	}
	return nil, fmt.Errorf("project %s: %w (asked %s)", key, ErrNotFound, strings.Join(asked, ", "))
}

// acceptPage asks for PEP 691 JSON, then the HTML forms (PEP 691 content negotiation).
const acceptPage = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"

// Size limits guard memory against a misbehaving server; real pages and metadata are far smaller.
const (
	maxPageBytes     = 256 << 20
	maxMetadataBytes = 64 << 20
)

func (c *Client) projectPage(ctx context.Context, idx Index, key string) (*Project, error) {
	root, err := url.Parse(idx.URL)
	if err != nil {
		return nil, fmt.Errorf("parse index URL: %w", err)
	}
	u := root.ResolveReference(&url.URL{Path: key + "/"})
	resp, err := c.get(ctx, u, acceptPage, maxPageBytes)
	if err != nil {
		return nil, err
	}
	p, err := parsePage(resp)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", resp.url.Redacted(), err)
	}
	return &Project{Name: key, Index: idx, Files: p.files, Versions: p.versions}, nil
}

// Metadata returns the core metadata file of f (PEP 658), checked against the sha256 the index
// gave for it, if any. It is an error to ask when the index announced no metadata file.
func (c *Client) Metadata(ctx context.Context, f File) ([]byte, error) {
	if !f.CoreMetadata {
		return nil, fmt.Errorf("metadata of %s: the index offers no metadata file for it (PEP 658)", f.Filename)
	}
	u, err := url.Parse(f.URL + ".metadata")
	if err != nil {
		return nil, fmt.Errorf("metadata of %s: %w", f.Filename, err)
	}
	resp, err := c.get(ctx, u, "", maxMetadataBytes)
	if err != nil {
		return nil, fmt.Errorf("metadata of %s: %w", f.Filename, err)
	}
	if f.CoreMetadataSHA256 != "" {
		sum := sha256.Sum256(resp.body)
		if got := hex.EncodeToString(sum[:]); got != f.CoreMetadataSHA256 {
			return nil, fmt.Errorf("metadata of %s: %s has sha256 %s, the index says %s", f.Filename, u.Redacted(), got, f.CoreMetadataSHA256)
		}
	}
	return resp.body, nil
}
