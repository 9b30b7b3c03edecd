package lock

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/citadel-build/citadel/internal/fetch"
	"github.com/citadel-build/citadel/internal/pep503"
	"github.com/citadel-build/citadel/internal/simpleindex"
)

// dist is one file a test index serves.
type dist struct {
	filename       string
	requires       []string // Requires-Dist
	requiresPython string
	yanked         bool
	pep658         bool   // serve the metadata file separately
	metaName       string // Name in the metadata, when it must differ
	requiresTxt    string // sdist only: egg-info/requires.txt, with a metadata 2.1 PKG-INFO
}

// testIndex is a PEP 691 index on loopback serving real wheel and sdist archives built in memory.
type testIndex struct {
	srv      *httptest.Server
	projects map[string][]dist
	blobs    map[string][]byte
}

func newTestIndex(t *testing.T, dists ...dist) *testIndex {
	t.Helper()
	ti := &testIndex{projects: map[string][]dist{}, blobs: map[string][]byte{}}
	for _, d := range dists {
		name, version := splitName(d.filename)
		key := pep503.Normalize(name)
		ti.projects[key] = append(ti.projects[key], d)
		meta := metadataFor(d, name, version)
		if strings.HasSuffix(d.filename, ".whl") {
			ti.blobs[d.filename] = wheelBytes(t, name, version, meta)
		} else {
			ti.blobs[d.filename] = sdistBytes(t, name, version, meta, d.requiresTxt)
		}
		ti.blobs[d.filename+".metadata"] = []byte(meta)
	}
	ti.srv = httptest.NewServer(http.HandlerFunc(ti.serve))
	t.Cleanup(ti.srv.Close)
	return ti
}

func splitName(filename string) (string, string) {
	base := strings.TrimSuffix(strings.TrimSuffix(filename, ".whl"), ".tar.gz")
	parts := strings.Split(base, "-")
	return parts[0], parts[1]
}

func metadataFor(d dist, name, version string) string {
	var b strings.Builder
	mv := "2.3"
	if d.requiresTxt != "" {
		mv = "2.1"
	}
	if d.metaName != "" {
		name = d.metaName
	}
	fmt.Fprintf(&b, "Metadata-Version: %s\nName: %s\nVersion: %s\nLicense-Expression: MIT\n", mv, name, version)
	if d.requiresPython != "" {
		fmt.Fprintf(&b, "Requires-Python: %s\n", d.requiresPython)
	}
	if d.requiresTxt == "" {
		for _, r := range d.requires {
			fmt.Fprintf(&b, "Requires-Dist: %s\n", r)
		}
	}
	b.WriteString("\nA test package.\n")
	return b.String()
}

func wheelBytes(t *testing.T, name, version, meta string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(fmt.Sprintf("%s-%s.dist-info/METADATA", name, version))
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(meta))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sdistBytes(t *testing.T, name, version, meta, requiresTxt string) []byte {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	top := name + "-" + version + "/"
	files := map[string]string{top + "PKG-INFO": meta}
	if requiresTxt != "" {
		files[top+name+".egg-info/requires.txt"] = requiresTxt
	}
	for _, n := range []string{top + "PKG-INFO", top + name + ".egg-info/requires.txt"} {
		content, ok := files[n]
		if !ok {
			continue
		}
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(content))
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func (ti *testIndex) serve(w http.ResponseWriter, r *http.Request) {
	if name, ok := strings.CutPrefix(r.URL.Path, "/files/"); ok {
		blob, ok := ti.blobs[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(blob)
		return
	}
	key := strings.Trim(strings.TrimPrefix(r.URL.Path, "/simple/"), "/")
	dists, ok := ti.projects[key]
	if !ok {
		http.NotFound(w, r)
		return
	}
	type file struct {
		Filename       string            `json:"filename"`
		URL            string            `json:"url"`
		Hashes         map[string]string `json:"hashes"`
		RequiresPython string            `json:"requires-python,omitempty"`
		Yanked         any               `json:"yanked"`
		CoreMetadata   any               `json:"core-metadata"`
		Size           int               `json:"size"`
	}
	page := struct {
		Meta  map[string]string `json:"meta"`
		Name  string            `json:"name"`
		Files []file            `json:"files"`
	}{Meta: map[string]string{"api-version": "1.1"}, Name: key}
	for _, d := range dists {
		f := file{Filename: d.filename, URL: "/files/" + d.filename, Hashes: map[string]string{"sha256": sum(ti.blobs[d.filename])},
			RequiresPython: d.requiresPython, Yanked: false, CoreMetadata: false, Size: len(ti.blobs[d.filename])}
		if d.yanked {
			f.Yanked = "broken"
		}
		if d.pep658 {
			f.CoreMetadata = map[string]string{"sha256": sum(ti.blobs[d.filename+".metadata"])}
		}
		page.Files = append(page.Files, f)
	}
	w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
	json.NewEncoder(w).Encode(page)
}

func (ti *testIndex) client() *simpleindex.Client {
	return simpleindex.New([]simpleindex.Index{{Name: "test", URL: ti.srv.URL + "/simple/"}})
}

func newFetcher(t *testing.T) *fetch.Fetcher {
	return fetch.New(fetch.WithCacheDir(t.TempDir()))
}
