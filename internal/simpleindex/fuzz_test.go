package simpleindex

import (
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// seedPages adds the testdata pages of one form to a fuzz corpus.
func seedPages(f *testing.F, dir string) {
	paths, err := filepath.Glob(filepath.Join("testdata", dir, "*"))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no testdata/%s pages: %v", dir, err)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
}

// checkPage holds for every page a parser accepts: files sorted, URLs absolute http(s) without
// fragment, hashes lowercase, and no reason or metadata hash without its flag. Parsing again
// gives the same result.
func checkPage(t *testing.T, parse func(*url.URL, []byte) (*page, error), in string) {
	base, err := url.Parse(testPage)
	if err != nil {
		t.Fatal(err)
	}
	p, err := parse(base, []byte(in))
	if err != nil {
		return
	}
	for i, f := range p.files {
		if f.Filename == "" {
			t.Fatalf("file %d has no name", i)
		}
		if i > 0 && p.files[i-1].Filename > f.Filename {
			t.Fatalf("files not sorted: %q before %q", p.files[i-1].Filename, f.Filename)
		}
		u, err := url.Parse(f.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Fragment != "" || strings.Contains(f.URL, "#") {
			t.Fatalf("file %q: URL %q is not absolute http(s) without fragment (%v)", f.Filename, f.URL, err)
		}
		if f.SHA256 != toLowerASCII(f.SHA256) || f.CoreMetadataSHA256 != toLowerASCII(f.CoreMetadataSHA256) {
			t.Fatalf("file %q: hashes not lowercase: %q %q", f.Filename, f.SHA256, f.CoreMetadataSHA256)
		}
		if f.YankedReason != "" && !f.Yanked || f.CoreMetadataSHA256 != "" && !f.CoreMetadata || f.Size < 0 {
			t.Fatalf("file %q: inconsistent %+v", f.Filename, f)
		}
	}
	again, err := parse(base, []byte(in))
	if err != nil || !reflect.DeepEqual(p, again) {
		t.Fatalf("second parse differs: %v", err)
	}
}

func FuzzParseHTML(f *testing.F) {
	seedPages(f, "html")
	f.Add(`<base href="../x/"><a href="a-1.tar.gz#sha256=AB" data-yanked="r" data-core-metadata="sha256=CD" data-requires-python="&amp;gt;=3">`)
	f.Add(`<meta name="pypi:repository-version" content="1.1"><a href="//h/p/a.whl">`)
	f.Fuzz(func(t *testing.T, in string) { checkPage(t, parseHTML, in) })
}

func FuzzParseJSON(f *testing.F) {
	seedPages(f, "json")
	f.Add(`{"meta": {"api-version": "1.0"}, "files": [{"filename": "a", "url": "a#sha256=AB", "yanked": "x", "core-metadata": {"sha256": "CD"}}]}`)
	f.Add(`{"files": [{"filename": "b", "url": "//h/b", "dist-info-metadata": true, "size": 3}], "versions": ["1"]}`)
	f.Fuzz(func(t *testing.T, in string) { checkPage(t, parseJSON, in) })
}
