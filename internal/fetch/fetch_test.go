package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// server serves body at /file, failing the first `failures` requests with 503.
func server(t *testing.T, body string, failures int32) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		if n <= failures {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		if r.URL.Path != "/file" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestDistdirFindsFileByHashUnderAnyName(t *testing.T) {
	dist := t.TempDir()
	writeFile(t, filepath.Join(dist, "a", "decoy.txt"), "not it\n")
	writeFile(t, filepath.Join(dist, "b", "c", "renamed.txt"), "payload\n")
	f := New(WithDistdirs(dist), WithOffline(true))
	got, err := f.Fetch(context.Background(), Want{Name: "x", URL: "https://example.invalid/upper-constraints.txt", SHA256: sum([]byte("payload\n"))})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dist, "b", "c", "renamed.txt"); got != want {
		t.Errorf("path = %s, want %s", got, want)
	}
}

func TestDistdirFileWithRightNameButWrongHashIsIgnored(t *testing.T) {
	dist := t.TempDir()
	writeFile(t, filepath.Join(dist, "upper-constraints.txt"), "tampered\n")
	f := New(WithDistdirs(dist), WithOffline(true))
	_, err := f.Fetch(context.Background(), Want{Name: "x", URL: "https://example.invalid/upper-constraints.txt", SHA256: sum([]byte("payload\n"))})
	if !errors.Is(err, ErrOffline) {
		t.Fatalf("err = %v, want ErrOffline", err)
	}
}

func TestDownloadThenCacheHitOffline(t *testing.T) {
	srv, hits := server(t, "payload\n", 0)
	cache := t.TempDir()
	w := Want{Name: "x", URL: srv.URL + "/file", SHA256: sum([]byte("payload\n")), Size: 8}
	p, err := New(WithCacheDir(cache)).Fetch(context.Background(), w)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p, cache) {
		t.Errorf("path %s not in cache %s", p, cache)
	}
	p2, err := New(WithCacheDir(cache), WithOffline(true)).Fetch(context.Background(), w)
	if err != nil {
		t.Fatal(err)
	}
	if p2 != p || hits.Load() != 1 {
		t.Errorf("second fetch: path %s (want %s), %d requests (want 1)", p2, p, hits.Load())
	}
}

func TestCorruptCacheEntryIsReplaced(t *testing.T) {
	srv, hits := server(t, "payload\n", 0)
	cache := t.TempDir()
	w := Want{Name: "x", URL: srv.URL + "/file", SHA256: sum([]byte("payload\n"))}
	f := New(WithCacheDir(cache))
	writeFile(t, f.CachePath(w.SHA256), "bit rot\n")
	p, err := f.Fetch(context.Background(), w)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "payload\n" || hits.Load() != 1 {
		t.Errorf("content %q after %d requests; want payload after 1", got, hits.Load())
	}
}

func TestCorruptCacheEntryOfflineFails(t *testing.T) {
	cache := t.TempDir()
	w := Want{Name: "x", URL: "https://example.invalid/file", SHA256: sum([]byte("payload\n"))}
	f := New(WithCacheDir(cache), WithOffline(true))
	writeFile(t, f.CachePath(w.SHA256), "bit rot\n")
	if _, err := f.Fetch(context.Background(), w); !errors.Is(err, ErrOffline) {
		t.Fatalf("err = %v, want ErrOffline", err)
	}
}

func TestRetriesServerErrors(t *testing.T) {
	srv, hits := server(t, "payload\n", 2)
	f := New(WithCacheDir(t.TempDir()), WithRetries(3, time.Millisecond))
	if _, err := f.Fetch(context.Background(), Want{Name: "x", URL: srv.URL + "/file", SHA256: sum([]byte("payload\n"))}); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 3 {
		t.Errorf("requests = %d, want 3", hits.Load())
	}
}

func TestGivesUpAfterAttempts(t *testing.T) {
	srv, hits := server(t, "payload\n", 100)
	f := New(WithCacheDir(t.TempDir()), WithRetries(2, time.Millisecond))
	_, err := f.Fetch(context.Background(), Want{Name: "x", URL: srv.URL + "/file", SHA256: sum([]byte("payload\n"))})
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("err = %v, want a 503 error", err)
	}
	if hits.Load() != 2 {
		t.Errorf("requests = %d, want 2", hits.Load())
	}
}

func TestNotFoundIsNotRetried(t *testing.T) {
	srv, hits := server(t, "payload\n", 0)
	f := New(WithCacheDir(t.TempDir()), WithRetries(3, time.Millisecond))
	_, err := f.Fetch(context.Background(), Want{Name: "x", URL: srv.URL + "/missing", SHA256: sum([]byte("payload\n"))})
	if err == nil || !strings.Contains(err.Error(), "404") || hits.Load() != 1 {
		t.Fatalf("err = %v after %d requests, want one 404", err, hits.Load())
	}
}

func TestHashMismatchNamesBothHashesAndKeepsNothing(t *testing.T) {
	srv, _ := server(t, "evil\n", 0)
	cache := t.TempDir()
	want := sum([]byte("payload\n"))
	f := New(WithCacheDir(cache), WithRetries(3, time.Millisecond))
	_, err := f.Fetch(context.Background(), Want{Name: "upper-constraints for //releases/x", URL: srv.URL + "/file", SHA256: want})
	var me *MismatchError
	if !errors.As(err, &me) {
		t.Fatalf("err = %v, want MismatchError", err)
	}
	for _, s := range []string{want, sum([]byte("evil\n")), srv.URL + "/file", "//releases/x"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %s", err, s)
		}
	}
	var files []string
	filepath.WalkDir(cache, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) != 0 {
		t.Errorf("cache keeps %v after a mismatch", files)
	}
}

func TestSizeMismatch(t *testing.T) {
	srv, _ := server(t, "payload\n", 0)
	f := New(WithCacheDir(t.TempDir()))
	_, err := f.Fetch(context.Background(), Want{Name: "x", URL: srv.URL + "/file", SHA256: sum([]byte("payload\n")), Size: 9})
	if err == nil || !strings.Contains(err.Error(), "expected 9 bytes, got 8") {
		t.Fatalf("err = %v, want a size mismatch", err)
	}
}

func TestRejectsMalformedHash(t *testing.T) {
	_, err := New().Fetch(context.Background(), Want{Name: "x", URL: "https://example.invalid/f", SHA256: "abc"})
	if err == nil || !strings.Contains(err.Error(), "64 hex digits") {
		t.Fatalf("err = %v", err)
	}
}

func TestConcurrentFetchersShareOneCache(t *testing.T) {
	body := strings.Repeat("payload\n", 1<<16)
	srv, _ := server(t, body, 0)
	cache := t.TempDir()
	w := Want{Name: "x", URL: srv.URL + "/file", SHA256: sum([]byte(body)), Size: int64(len(body))}
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			p, err := New(WithCacheDir(cache)).Fetch(context.Background(), w)
			if err == nil {
				var got []byte
				if got, err = os.ReadFile(p); err == nil && string(got) != body {
					err = errors.New("corrupt entry")
				}
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	filepath.WalkDir(cache, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, filepath.Base(p))
		}
		return nil
	})
	if len(names) != 1 || names[0] != w.SHA256 {
		t.Errorf("cache holds %v, want only the entry", names)
	}
}

func TestProgressCountsDownloadedBytes(t *testing.T) {
	srv, _ := server(t, "payload\n", 0)
	var n atomic.Int64
	f := New(WithCacheDir(t.TempDir()), WithProgress(func(b int64) { n.Add(b) }))
	if _, err := f.Fetch(context.Background(), Want{Name: "x", URL: srv.URL + "/file", SHA256: sum([]byte("payload\n"))}); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 8 {
		t.Errorf("progress saw %d bytes, want 8", n.Load())
	}
}
