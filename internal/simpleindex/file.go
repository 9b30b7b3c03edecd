package simpleindex

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Index is one package index.
type Index struct {
	Name string // for messages; the URL is used when empty
	URL  string // the simple API root, ending in "/" (one is added when missing, as pip does)
}

func (i Index) String() string {
	if i.Name != "" {
		return i.Name
	}
	if u, err := url.Parse(i.URL); err == nil {
		return u.Redacted()
	}
	return "(unparsable index URL)"
}

// File is one distribution file listed on a project page.
type File struct {
	Filename string
	// URL is absolute, resolved against the page (or its <base>), without the #fragment. A
	// relative link on an index URL with credentials inherits them, as pip's does.
	URL    string
	SHA256 string // lowercase hex as the index gave it; "" when the index gave none
	Size   int64  // bytes (PEP 700); 0 when unknown
	// RequiresPython is the Requires-Python specifier, unparsed; "" when absent.
	RequiresPython string
	Yanked         bool   // PEP 592
	YankedReason   string // "" when yanked without a reason
	// CoreMetadata reports that the index serves the file's core metadata at URL+".metadata"
	// (PEP 658, PEP 714), with CoreMetadataSHA256 its lowercase hex sha256 when given.
	CoreMetadata       bool
	CoreMetadataSHA256 string
	UploadTime         string // PEP 700, ISO 8601 as the index gave it; "" when unknown
}

// Project is a project page from the first index that has the project.
type Project struct {
	Name  string // PEP 503 normalised
	Index Index  // the index the page came from
	Files []File // sorted by filename; files the index lists twice stay in page order
	// Versions are the project's versions as the index lists them (PEP 700, JSON API 1.1 and
	// later), which may include versions without files; nil when the index does not list them.
	Versions []string
}

func (p *Project) clone() *Project {
	c := *p
	c.Files = slices.Clone(p.Files)
	c.Versions = slices.Clone(p.Versions)
	return &c
}

// page is what the HTML and JSON parsers extract from a project page.
type page struct {
	files    []File
	versions []string
}

func (p *page) sortFiles() {
	slices.SortStableFunc(p.files, func(a, b File) int { return strings.Compare(a.Filename, b.Filename) })
}

// resolveFileURL resolves a file's href against the page's base URL and splits off the
// "#sha256=..." fragment of PEP 503, returning the URL without it and the hash (lowercase).
func resolveFileURL(base *url.URL, href string) (*url.URL, string, error) {
	ref, err := url.Parse(strings.TrimSpace(href))
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the caller names the href
		}
		return nil, "", err
	}
	u := base.ResolveReference(ref)
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, "", fmt.Errorf("%s URL, want http or https", strconv.Quote(u.Scheme))
	}
	var sha string
	// The fragment is name=value, possibly with other &-separated pairs as pip allows.
	for _, kv := range strings.Split(u.Fragment, "&") {
		if name, value, ok := strings.Cut(kv, "="); ok && name == "sha256" && sha == "" {
			sha = toLowerASCII(value)
		}
	}
	u.Fragment, u.RawFragment = "", ""
	return u, sha, nil
}

// checkAPIVersion enforces PEP 629: a client must refuse a major version it does not know, and
// may read newer minor versions of the one it knows. An absent version means 1.0.
func checkAPIVersion(v string) error {
	if v == "" {
		return nil
	}
	major, _, _ := strings.Cut(v, ".")
	n, err := strconv.Atoi(major)
	if err != nil {
		return fmt.Errorf("repository API version %q is not MAJOR.MINOR", v)
	}
	if n != 1 {
		return fmt.Errorf("repository API version %q: only major version 1 is supported", v)
	}
	return nil
}

// toLowerASCII lowercases hex digests without touching anything else, so a malformed digest
// stays visibly malformed for the code that checks it.
func toLowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
