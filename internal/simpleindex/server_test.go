package simpleindex

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const jsonType = "application/vnd.pypi.simple.v1+json"

// fakePage is one project page in the forms a fake index can serve.
type fakePage struct {
	json, html  []byte
	contentType string // overrides the negotiated type when set
}

// fakeIndex is a simple repository on 127.0.0.1 serving project pages under /simple/ (and, by
// redirect, /old/), and metadata files from testdata/files at any path ending in .metadata.
type fakeIndex struct {
	srv       *httptest.Server
	pages     map[string]fakePage // by normalised name
	negotiate bool                // serve JSON when asked; otherwise always HTML, like a static server
	delay     time.Duration
	release   chan struct{} // when set, page requests wait for it

	mu          sync.Mutex
	hits        map[string]int
	accepts     []string
	agents      []string
	fail        map[string][]int // path → statuses to answer first, one per request
	inflight    int
	maxInflight int
}

func newFakeIndex(t *testing.T, negotiate bool, projects ...string) *fakeIndex {
	t.Helper()
	fi := &fakeIndex{pages: map[string]fakePage{}, negotiate: negotiate, hits: map[string]int{}, fail: map[string][]int{}}
	for _, p := range projects {
		var page fakePage
		if b, err := os.ReadFile(filepath.Join("testdata", "json", p+".json")); err == nil {
			page.json = b
		}
		if b, err := os.ReadFile(filepath.Join("testdata", "html", p+".html")); err == nil {
			page.html = b
		}
		if page.json == nil && page.html == nil {
			t.Fatalf("no testdata page for %s", p)
		}
		fi.pages[p] = page
	}
	fi.srv = httptest.NewServer(http.HandlerFunc(fi.serve))
	t.Cleanup(fi.srv.Close)
	return fi
}

// root is the simple API root, with the trailing slash.
func (fi *fakeIndex) root() string { return fi.srv.URL + "/simple/" }

func (fi *fakeIndex) hitCount(p string) int {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.hits[p]
}

func (fi *fakeIndex) failWith(p string, codes ...int) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.fail[p] = append(fi.fail[p], codes...)
}

func (fi *fakeIndex) serve(w http.ResponseWriter, r *http.Request) {
	fi.mu.Lock()
	fi.hits[r.URL.Path]++
	fi.accepts = append(fi.accepts, r.Header.Get("Accept"))
	fi.agents = append(fi.agents, r.Header.Get("User-Agent"))
	var code int
	if codes := fi.fail[r.URL.Path]; len(codes) > 0 {
		code, fi.fail[r.URL.Path] = codes[0], codes[1:]
	}
	fi.inflight++
	fi.maxInflight = max(fi.maxInflight, fi.inflight)
	fi.mu.Unlock()
	defer func() {
		fi.mu.Lock()
		fi.inflight--
		fi.mu.Unlock()
	}()
	if code != 0 {
		if code == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "0")
		}
		http.Error(w, http.StatusText(code), code)
		return
	}
	switch {
	case strings.HasSuffix(r.URL.Path, ".metadata"):
		http.ServeFile(w, r, filepath.Join("testdata", "files", path.Base(r.URL.Path)))
	case strings.HasPrefix(r.URL.Path, "/old/"):
		http.Redirect(w, r, "/simple/"+strings.TrimPrefix(r.URL.Path, "/old/"), http.StatusFound)
	case strings.HasPrefix(r.URL.Path, "/simple/") && strings.HasSuffix(r.URL.Path, "/"):
		fi.servePage(w, r, strings.Trim(strings.TrimPrefix(r.URL.Path, "/simple/"), "/"))
	default:
		http.NotFound(w, r)
	}
}

func (fi *fakeIndex) servePage(w http.ResponseWriter, r *http.Request, name string) {
	page, ok := fi.pages[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if fi.release != nil {
		select {
		case <-fi.release:
		case <-r.Context().Done():
			return
		}
	}
	time.Sleep(fi.delay)
	body, ctype := page.html, "text/html; charset=utf-8"
	if page.json != nil && (page.html == nil || fi.negotiate && strings.Contains(r.Header.Get("Accept"), jsonType)) {
		body, ctype = page.json, jsonType
	}
	if page.contentType != "" {
		ctype = page.contentType
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}
