package pipeline

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citadel-build/citadel/internal/fetch"
	"github.com/citadel-build/citadel/internal/testutil"
	"github.com/citadel-build/citadel/internal/workspace"
)

// A database pinned in MODULE.bazel (an http_file with sha256) is fetched like every other input:
// from the network once, then from the cache offline; a snapshot with other bytes is refused.
func TestLoadDBFromPinnedLabel(t *testing.T) {
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	files, _ := filepath.Glob(filepath.Join(testutil.RepoRoot(t), "testdata", "osv", "PyPI", "*.json"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		w, _ := zw.Create(filepath.Base(f))
		w.Write(data)
	}
	zw.Close()
	body := zipped.Bytes()
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		w.Write(body)
	}))
	defer srv.Close()
	sum := sha256.Sum256(body)
	root := t.TempDir()
	module := fmt.Sprintf(`http_file(name = "osv_pypi", urls = [%q], sha256 = %q)
http_file(name = "osv_stale", urls = [%q], sha256 = %q)
`, srv.URL+"/PyPI/all.zip", hex.EncodeToString(sum[:]), srv.URL+"/PyPI/all.zip", strings.Repeat("0", 64))
	if err := os.WriteFile(filepath.Join(root, "MODULE.bazel"), []byte(module), 0o644); err != nil {
		t.Fatal(err)
	}
	ws, err := workspace.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	db, err := LoadDB(t.Context(), ws, []string{"@osv_pypi//file"}, fetch.New(fetch.WithCacheDir(cache)))
	if err != nil {
		t.Fatal(err)
	}
	if db.Len() != len(files) || requests != 1 {
		t.Fatalf("%d entries after %d requests, want %d after 1", db.Len(), requests, len(files))
	}
	if _, err := LoadDB(t.Context(), ws, []string{"@osv_pypi//file"}, fetch.New(fetch.WithCacheDir(cache), fetch.WithOffline(true))); err != nil || requests != 1 {
		t.Fatalf("offline from the cache: %v (%d requests)", err, requests)
	}
	if _, err := LoadDB(t.Context(), ws, []string{"@osv_stale//file"}, fetch.New(fetch.WithCacheDir(t.TempDir()))); err == nil || !strings.Contains(err.Error(), "vulnerability database @osv_stale//file") {
		t.Fatalf("a snapshot with other bytes: %v", err)
	}
	if _, err := LoadDB(t.Context(), ws, nil, nil); err == nil || !strings.Contains(err.Error(), "no vulnerability database") {
		t.Fatalf("no database: %v", err)
	}
}
