package constraints

import (
	"bytes"
	"encoding/json"
)

// Report is the JSON record of a patch: what changed, from what upstream, and why.
type Report struct {
	Release       string   `json:"release"`
	Upstream      Upstream `json:"upstream"`
	PatchedSHA256 string   `json:"patched_sha256"`
	Changes       []Change `json:"changes"`
}

// Upstream identifies the file the overrides were applied to. URL is empty when a local file
// replaced the release's pinned upstream.
type Upstream struct {
	URL    string `json:"url,omitempty"`
	SHA256 string `json:"sha256"`
}

// JSON is the report, indented, with a final newline.
func (r Report) JSON() ([]byte, error) {
	if r.Changes == nil {
		r.Changes = []Change{}
	}
	// Reasons quote specifiers such as "cryptography<39": keep them readable, not \u003c.
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
