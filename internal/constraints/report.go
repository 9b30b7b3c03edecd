package constraints

import "github.com/citadel-build/citadel/internal/jsonfile"

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
	return jsonfile.Marshal(r)
}
