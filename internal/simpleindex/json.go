package simpleindex

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
)

// jsonPage is a PEP 691 project page with the PEP 700 and PEP 714 keys.
type jsonPage struct {
	Meta struct {
		APIVersion string `json:"api-version"`
	} `json:"meta"`
	Versions []string   `json:"versions"`
	Files    []jsonFile `json:"files"`
}

type jsonFile struct {
	Filename         string            `json:"filename"`
	URL              string            `json:"url"`
	Hashes           map[string]string `json:"hashes"`
	RequiresPython   string            `json:"requires-python"`
	CoreMetadata     json.RawMessage   `json:"core-metadata"`
	DistInfoMetadata json.RawMessage   `json:"dist-info-metadata"`
	Yanked           json.RawMessage   `json:"yanked"`
	Size             int64             `json:"size"`
	UploadTime       string            `json:"upload-time"`
}

// parseJSON reads a PEP 691 project page. Relative file URLs resolve against the page URL.
func parseJSON(pageURL *url.URL, body []byte) (*page, error) {
	var jp jsonPage
	if err := json.Unmarshal(body, &jp); err != nil {
		return nil, fmt.Errorf("parse JSON: %w", err)
	}
	if err := checkAPIVersion(jp.Meta.APIVersion); err != nil {
		return nil, err
	}
	p := &page{versions: jp.Versions}
	for i, jf := range jp.Files {
		f, err := jsonFileOf(pageURL, jf)
		if err != nil {
			return nil, fmt.Errorf("files[%d] %q: %w", i, jf.Filename, err)
		}
		p.files = append(p.files, f)
	}
	p.sortFiles()
	return p, nil
}

func jsonFileOf(pageURL *url.URL, jf jsonFile) (File, error) {
	if jf.Filename == "" || jf.URL == "" {
		return File{}, fmt.Errorf("no filename or url")
	}
	if jf.Size < 0 {
		return File{}, fmt.Errorf("negative size %d", jf.Size)
	}
	u, fragmentSHA, err := resolveFileURL(pageURL, jf.URL)
	if err != nil {
		return File{}, fmt.Errorf("url %q: %w", jf.URL, err)
	}
	f := File{
		Filename:       jf.Filename,
		URL:            u.String(),
		SHA256:         fragmentSHA,
		Size:           jf.Size,
		RequiresPython: jf.RequiresPython,
		UploadTime:     jf.UploadTime,
	}
	if sha, ok := jf.Hashes["sha256"]; ok {
		f.SHA256 = toLowerASCII(sha)
	}
	if f.Yanked, f.YankedReason, err = jsonYanked(jf.Yanked); err != nil {
		return File{}, err
	}
	// PEP 714: read core-metadata, and dist-info-metadata only when core-metadata is absent.
	meta, key := jf.CoreMetadata, "core-metadata"
	if isAbsent(meta) {
		meta, key = jf.DistInfoMetadata, "dist-info-metadata"
	}
	if f.CoreMetadata, f.CoreMetadataSHA256, err = jsonMetadata(meta); err != nil {
		return File{}, fmt.Errorf("%s: %w", key, err)
	}
	return f, nil
}

// jsonYanked reads PEP 691's "yanked": false, true, or a reason (which means yanked).
func jsonYanked(raw json.RawMessage) (bool, string, error) {
	if isAbsent(raw) {
		return false, "", nil
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err == nil {
		return b, "", nil
	}
	var reason string
	if err := json.Unmarshal(raw, &reason); err != nil {
		return false, "", fmt.Errorf("yanked is %s, want a boolean or a string", raw)
	}
	return true, reason, nil
}

// jsonMetadata reads PEP 658/714's value: a boolean, or a hashes object meaning true.
func jsonMetadata(raw json.RawMessage) (bool, string, error) {
	if isAbsent(raw) {
		return false, "", nil
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err == nil {
		return b, "", nil
	}
	var hashes map[string]string
	if err := json.Unmarshal(raw, &hashes); err != nil {
		return false, "", fmt.Errorf("%s is neither a boolean nor a hashes object", raw)
	}
	return true, toLowerASCII(hashes["sha256"]), nil
}

func isAbsent(raw json.RawMessage) bool {
	return len(raw) == 0 || bytes.Equal(raw, []byte("null"))
}
