package simpleindex

import (
	"bytes"
	"net/url"
	"path"
	"strings"

	"golang.org/x/net/html"
)

// parseHTML reads a PEP 503 project page. It tokenizes rather than builds a tree, as pip does,
// so every <a href> counts wherever it sits; the first <base href> sets the URL that relative
// links resolve against. Anchors that cannot be a file are skipped rather than failing the page
// (pages may carry navigation or footer links): those whose href does not parse, is not http(s)
// once resolved, or whose path names no file (such as "../").
func parseHTML(pageURL *url.URL, body []byte) (*page, error) {
	base := pageURL
	baseSeen, versionSeen := false, false
	var anchors [][]html.Attribute
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break // io.EOF: the body is in memory, so no other error can occur
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		switch tok.Data {
		case "a":
			anchors = append(anchors, tok.Attr)
		case "base":
			if href, ok := attr(tok.Attr, "href"); ok && !baseSeen {
				baseSeen = true
				// An unparsable base is ignored, as browsers fall back to the document URL.
				if ref, err := url.Parse(strings.TrimSpace(href)); err == nil {
					base = pageURL.ResolveReference(ref)
				}
			}
		case "meta":
			if name, _ := attr(tok.Attr, "name"); name == "pypi:repository-version" && !versionSeen {
				versionSeen = true
				v, _ := attr(tok.Attr, "content")
				if err := checkAPIVersion(strings.TrimSpace(v)); err != nil {
					return nil, err
				}
			}
		}
	}
	p := &page{}
	for _, a := range anchors {
		if f, ok := htmlFile(base, a); ok {
			p.files = append(p.files, f)
		}
	}
	p.sortFiles()
	return p, nil
}

func htmlFile(base *url.URL, attrs []html.Attribute) (File, bool) {
	href, ok := attr(attrs, "href")
	if !ok {
		return File{}, false
	}
	u, sha, err := resolveFileURL(base, href)
	if err != nil || u.Path == "" || strings.HasSuffix(u.Path, "/") {
		return File{}, false
	}
	f := File{Filename: path.Base(u.Path), URL: u.String(), SHA256: sha}
	if rp, ok := attr(attrs, "data-requires-python"); ok {
		// The tokenizer has decoded entities once; pip decodes once more, which helps pages
		// that escape twice ("&amp;gt;=3.8"). A real specifier never contains '&'.
		f.RequiresPython = strings.TrimSpace(html.UnescapeString(rp))
	}
	if reason, ok := attr(attrs, "data-yanked"); ok {
		f.Yanked, f.YankedReason = true, reason
	}
	// PEP 714 renamed data-dist-info-metadata; the new name wins when both are present.
	meta, ok := attr(attrs, "data-core-metadata")
	if !ok {
		meta, ok = attr(attrs, "data-dist-info-metadata")
	}
	if ok {
		f.CoreMetadata, f.CoreMetadataSHA256 = htmlMetadata(meta)
	}
	return f, true
}

// htmlMetadata reads a PEP 658 attribute: "true", or "<hashname>=<hexdigest>". Any other value
// still announces the file, as pip reads it, except "false", which uv reads as absent.
func htmlMetadata(v string) (bool, string) {
	switch v {
	case "true":
		return true, ""
	case "false":
		return false, ""
	}
	if name, digest, ok := strings.Cut(v, "="); ok && strings.EqualFold(name, "sha256") {
		return true, toLowerASCII(digest)
	}
	return true, ""
}

// attr returns the first attribute named key (HTML keeps the first of duplicates).
func attr(attrs []html.Attribute, key string) (string, bool) {
	for _, a := range attrs {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}
