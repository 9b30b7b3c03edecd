package simpleindex

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

const testPage = "https://mirror.example/simple/demo/"

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

const sha = "958450d1bd189b97909fe410767f41607da432e095f9486d23028f6cea49a058"

func TestParseHTML(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []File // nil: no files
		err      string
	}{
		{name: "bare link", in: `<a href="demo-1.0.tar.gz">x</a>`,
			want: []File{{Filename: "demo-1.0.tar.gz", URL: testPage + "demo-1.0.tar.gz"}}},
		{name: "whitespace around href", in: "<a href=\"\n demo-1.0.tar.gz\t\">x</a>",
			want: []File{{Filename: "demo-1.0.tar.gz", URL: testPage + "demo-1.0.tar.gz"}}},
		{name: "uppercase tags and attributes", in: `<A HREF="demo-1.0.tar.gz#SHA256=00" DATA-YANKED>x</A>`,
			want: []File{{Filename: "demo-1.0.tar.gz", URL: testPage + "demo-1.0.tar.gz", Yanked: true}}},
		{name: "hash among other fragment pairs", in: `<a href="demo-1.0.tar.gz#egg=demo&amp;md5=00&amp;sha256=` + strings.ToUpper(sha) + `">`,
			want: []File{{Filename: "demo-1.0.tar.gz", URL: testPage + "demo-1.0.tar.gz", SHA256: sha}}},
		{name: "percent-encoded filename", in: `<a href="/files/demo-1.0%2Blocal.tar.gz?x=1#sha256=` + sha + `">`,
			want: []File{{Filename: "demo-1.0+local.tar.gz", URL: "https://mirror.example/files/demo-1.0%2Blocal.tar.gz?x=1", SHA256: sha}}},
		{name: "absolute and protocol-relative", in: `<a href="http://other.example/a/demo-1.0.zip"><a href="//cdn.example/b/demo-1.1.zip">`,
			want: []File{
				{Filename: "demo-1.0.zip", URL: "http://other.example/a/demo-1.0.zip"},
				{Filename: "demo-1.1.zip", URL: "https://cdn.example/b/demo-1.1.zip"},
			}},
		{name: "first base with href wins, resolved against the page", in: `<base target="_self"><base href="../../packages/"><base href="/other/"><a href="demo-1.0.tar.gz">`,
			want: []File{{Filename: "demo-1.0.tar.gz", URL: "https://mirror.example/packages/demo-1.0.tar.gz"}}},
		{name: "base after the links still applies", in: `<a href="demo-1.0.tar.gz"><base href="https://files.example/d/">`,
			want: []File{{Filename: "demo-1.0.tar.gz", URL: "https://files.example/d/demo-1.0.tar.gz"}}},
		{name: "unparsable base is ignored", in: `<base href="http://[::1"><a href="demo-1.0.tar.gz">`,
			want: []File{{Filename: "demo-1.0.tar.gz", URL: testPage + "demo-1.0.tar.gz"}}},
		{name: "requires-python entities, escaped once and twice", in: `<a href="a-1.tar.gz" data-requires-python="&gt;=3.8,&lt;4"><a href="b-1.tar.gz" data-requires-python="&amp;gt;=3.6, !=3.7.*"><a href="c-1.tar.gz" data-requires-python="">`,
			want: []File{
				{Filename: "a-1.tar.gz", URL: testPage + "a-1.tar.gz", RequiresPython: ">=3.8,<4"},
				{Filename: "b-1.tar.gz", URL: testPage + "b-1.tar.gz", RequiresPython: ">=3.6, !=3.7.*"},
				{Filename: "c-1.tar.gz", URL: testPage + "c-1.tar.gz"},
			}},
		{name: "yanked with and without reason", in: `<a href="a-1.tar.gz" data-yanked="CVE &amp; more"><a href="b-1.tar.gz" data-yanked=""><a href="c-1.tar.gz" data-yanked>`,
			want: []File{
				{Filename: "a-1.tar.gz", URL: testPage + "a-1.tar.gz", Yanked: true, YankedReason: "CVE & more"},
				{Filename: "b-1.tar.gz", URL: testPage + "b-1.tar.gz", Yanked: true},
				{Filename: "c-1.tar.gz", URL: testPage + "c-1.tar.gz", Yanked: true},
			}},
		{name: "metadata attribute forms", in: `<a href="a.whl" data-core-metadata="true"><a href="b.whl" data-core-metadata="sha256=` + strings.ToUpper(sha) + `"><a href="c.whl" data-dist-info-metadata="sha256=` + sha + `"><a href="d.whl" data-core-metadata="md5=00"><a href="e.whl" data-core-metadata="yes"><a href="f.whl" data-core-metadata="false"><a href="g.whl" data-core-metadata="false" data-dist-info-metadata="true"><a href="h.whl" data-core-metadata="true" data-dist-info-metadata="sha256=` + sha + `">`,
			want: []File{
				{Filename: "a.whl", URL: testPage + "a.whl", CoreMetadata: true},
				{Filename: "b.whl", URL: testPage + "b.whl", CoreMetadata: true, CoreMetadataSHA256: sha},
				{Filename: "c.whl", URL: testPage + "c.whl", CoreMetadata: true, CoreMetadataSHA256: sha},
				{Filename: "d.whl", URL: testPage + "d.whl", CoreMetadata: true},
				{Filename: "e.whl", URL: testPage + "e.whl", CoreMetadata: true},
				{Filename: "f.whl", URL: testPage + "f.whl"},
				{Filename: "g.whl", URL: testPage + "g.whl"},
				{Filename: "h.whl", URL: testPage + "h.whl", CoreMetadata: true},
			}},
		{name: "duplicate attributes: the first counts", in: `<a href="a-1.tar.gz" href="b-1.tar.gz" data-yanked="one" data-yanked="two">`,
			want: []File{{Filename: "a-1.tar.gz", URL: testPage + "a-1.tar.gz", Yanked: true, YankedReason: "one"}}},
		{name: "sorted by filename, duplicates in page order", in: `<a href="z/b-1.tar.gz"><a href="a-1.tar.gz"><a href="y/b-1.tar.gz">`,
			want: []File{
				{Filename: "a-1.tar.gz", URL: testPage + "a-1.tar.gz"},
				{Filename: "b-1.tar.gz", URL: testPage + "z/b-1.tar.gz"},
				{Filename: "b-1.tar.gz", URL: testPage + "y/b-1.tar.gz"},
			}},
		{name: "links that are not files", in: `<a>no href</a><a href="">self</a><a href="../">up</a><a href="?page=2">query</a><a href="mailto:ops@mirror.example">mail</a><a href="javascript:void(0)">js</a><a href="ftp://mirror.example/demo-1.0.tar.gz">ftp</a><a href="%zz.tar.gz">bad escape</a><a href="http://[::1/x.tar.gz">bad host</a>`},
		{name: "script and comment content is not markup", in: `<script>document.write('<a href="s-1.tar.gz">')</script><!-- <a href="c-1.tar.gz"> --><a href="real-1.tar.gz">`,
			want: []File{{Filename: "real-1.tar.gz", URL: testPage + "real-1.tar.gz"}}},
		{name: "links anywhere, even in head or after html", in: `<head><a href="h-1.tar.gz"></head></html><a href="t-1.tar.gz">`,
			want: []File{{Filename: "h-1.tar.gz", URL: testPage + "h-1.tar.gz"}, {Filename: "t-1.tar.gz", URL: testPage + "t-1.tar.gz"}}},
		{name: "api version 1.0", in: `<meta name="pypi:repository-version" content="1.0"><a href="a-1.tar.gz">`,
			want: []File{{Filename: "a-1.tar.gz", URL: testPage + "a-1.tar.gz"}}},
		{name: "newer minor version", in: `<meta name="pypi:repository-version" content=" 1.9 ">`},
		{name: "other meta tags", in: `<meta name="generator" content="2.0"><meta charset="utf-8">`},
		{name: "major version 2", in: `<meta name="pypi:repository-version" content="2.0">`, err: `repository API version "2.0": only major version 1`},
		{name: "major version 0", in: `<meta name="pypi:repository-version" content="0.9">`, err: `only major version 1`},
		{name: "garbage version", in: `<meta name="pypi:repository-version" content="one">`, err: `repository API version "one" is not MAJOR.MINOR`},
		{name: "only the first version meta counts", in: `<meta name="pypi:repository-version" content="1.0"><meta name="pypi:repository-version" content="3.0">`},
		{name: "empty page", in: ``},
	} {
		p, err := parseHTML(mustURL(t, testPage), []byte(tc.in))
		checkParse(t, tc.name, p, err, tc.want, tc.err)
	}
}

func TestParseJSON(t *testing.T) {
	file := func(extra string) string {
		return `{"meta": {"api-version": "1.1"}, "files": [{"filename": "demo-1.0-py3-none-any.whl", "url": "demo-1.0-py3-none-any.whl"` + extra + `}]}`
	}
	base := File{Filename: "demo-1.0-py3-none-any.whl", URL: testPage + "demo-1.0-py3-none-any.whl"}
	with := func(edit func(*File)) []File {
		f := base
		edit(&f)
		return []File{f}
	}
	for _, tc := range []struct {
		name, in string
		want     []File
		err      string
	}{
		{name: "minimal", in: file(`, "hashes": {}`), want: []File{base}},
		{name: "no hashes key", in: file(``), want: []File{base}},
		{name: "sha256 lowercased", in: file(`, "hashes": {"sha256": "` + strings.ToUpper(sha) + `", "md5": "00"}`),
			want: with(func(f *File) { f.SHA256 = sha })},
		{name: "fragment hash when hashes has none", in: `{"files": [{"filename": "a-1.tar.gz", "url": "/x/a-1.tar.gz#sha256=AB", "hashes": {"md5": "00"}}]}`,
			want: []File{{Filename: "a-1.tar.gz", URL: "https://mirror.example/x/a-1.tar.gz", SHA256: "ab"}}},
		{name: "hashes beat the fragment", in: `{"files": [{"filename": "a-1.tar.gz", "url": "a-1.tar.gz#sha256=ab", "hashes": {"sha256": "cd"}}]}`,
			want: []File{{Filename: "a-1.tar.gz", URL: testPage + "a-1.tar.gz", SHA256: "cd"}}},
		{name: "filename from the key, not the URL", in: `{"files": [{"filename": "a-1.tar.gz", "url": "https://files.example/download?id=7"}]}`,
			want: []File{{Filename: "a-1.tar.gz", URL: "https://files.example/download?id=7"}}},
		{name: "yanked forms", in: `{"files": [
			{"filename": "a", "url": "a", "yanked": false},
			{"filename": "b", "url": "b", "yanked": true},
			{"filename": "c", "url": "c", "yanked": "broken"},
			{"filename": "d", "url": "d", "yanked": ""},
			{"filename": "e", "url": "e", "yanked": null}]}`,
			want: []File{
				{Filename: "a", URL: testPage + "a"},
				{Filename: "b", URL: testPage + "b", Yanked: true},
				{Filename: "c", URL: testPage + "c", Yanked: true, YankedReason: "broken"},
				{Filename: "d", URL: testPage + "d", Yanked: true},
				{Filename: "e", URL: testPage + "e"},
			}},
		{name: "metadata forms", in: `{"files": [
			{"filename": "a", "url": "a", "core-metadata": true},
			{"filename": "b", "url": "b", "core-metadata": {"sha256": "AB"}},
			{"filename": "c", "url": "c", "dist-info-metadata": {"sha256": "cd"}},
			{"filename": "d", "url": "d", "core-metadata": false, "dist-info-metadata": true},
			{"filename": "e", "url": "e", "core-metadata": null, "dist-info-metadata": {"md5": "00"}},
			{"filename": "f", "url": "f", "core-metadata": {}},
			{"filename": "g", "url": "g", "core-metadata": true, "dist-info-metadata": {"sha256": "ef"}}]}`,
			want: []File{
				{Filename: "a", URL: testPage + "a", CoreMetadata: true},
				{Filename: "b", URL: testPage + "b", CoreMetadata: true, CoreMetadataSHA256: "ab"},
				{Filename: "c", URL: testPage + "c", CoreMetadata: true, CoreMetadataSHA256: "cd"},
				{Filename: "d", URL: testPage + "d"},
				{Filename: "e", URL: testPage + "e", CoreMetadata: true},
				{Filename: "f", URL: testPage + "f", CoreMetadata: true},
				{Filename: "g", URL: testPage + "g", CoreMetadata: true},
			}},
		{name: "PEP 700 fields", in: file(`, "size": 1234, "upload-time": "2024-02-01T10:21:44Z", "requires-python": ">=3.8"`),
			want: with(func(f *File) { f.Size, f.UploadTime, f.RequiresPython = 1234, "2024-02-01T10:21:44Z", ">=3.8" })},
		{name: "nulls", in: file(`, "size": null, "upload-time": null, "requires-python": null, "hashes": null`), want: []File{base}},
		{name: "unknown keys ignored", in: file(`, "gpg-sig": true, "provenance": "x", "data-dist-info-metadata": 5`), want: []File{base}},
		{name: "newer minor version", in: `{"meta": {"api-version": "1.99"}, "files": []}`},
		{name: "no meta", in: `{"files": []}`},
		{name: "sorted", in: `{"files": [{"filename": "b", "url": "x/b"}, {"filename": "a", "url": "a"}, {"filename": "b", "url": "y/b"}]}`,
			want: []File{{Filename: "a", URL: testPage + "a"}, {Filename: "b", URL: testPage + "x/b"}, {Filename: "b", URL: testPage + "y/b"}}},
		{name: "major version 2", in: `{"meta": {"api-version": "2.0"}, "files": []}`, err: `repository API version "2.0"`},
		{name: "not JSON", in: `<html>`, err: "parse JSON: invalid character '<'"},
		{name: "missing url", in: `{"files": [{"filename": "a"}]}`, err: `files[0] "a": no filename or url`},
		{name: "missing filename", in: `{"files": [{"url": "a"}]}`, err: `files[0] "": no filename or url`},
		{name: "negative size", in: file(`, "size": -1`), err: "negative size -1"},
		{name: "fractional size", in: file(`, "size": 1.5`), err: "parse JSON"},
		{name: "yanked number", in: file(`, "yanked": 1`), err: "yanked is 1, want a boolean or a string"},
		{name: "metadata string", in: file(`, "core-metadata": "true"`), err: `core-metadata: "true" is neither a boolean nor a hashes object`},
		{name: "bad dist-info-metadata", in: file(`, "dist-info-metadata": []`), err: `dist-info-metadata: [] is neither`},
		{name: "non-http URL", in: `{"files": [{"filename": "a", "url": "file:///etc/passwd"}]}`, err: `url "file:///etc/passwd": "file" URL, want http or https`},
		{name: "unparsable URL", in: `{"files": [{"filename": "a", "url": "%zz"}]}`, err: `url "%zz": invalid URL escape`},
		{name: "hash of the wrong type", in: file(`, "hashes": {"sha256": 5}`), err: "parse JSON"},
	} {
		p, err := parseJSON(mustURL(t, testPage), []byte(tc.in))
		checkParse(t, tc.name, p, err, tc.want, tc.err)
	}
}

func TestParseJSONVersions(t *testing.T) {
	p, err := parseJSON(mustURL(t, testPage), []byte(`{"meta": {"api-version": "1.1"}, "versions": ["2.0", "1.0"], "files": []}`))
	if err != nil || !reflect.DeepEqual(p.versions, []string{"2.0", "1.0"}) {
		t.Errorf("versions = %q, %v", p.versions, err)
	}
}

func checkParse(t *testing.T, name string, p *page, err error, want []File, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("%s: error %v, want %q", name, err, wantErr)
		}
		return
	}
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	if !reflect.DeepEqual(p.files, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", name, p.files, want)
	}
}
