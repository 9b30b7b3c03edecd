package lock

import (
	"testing"

	"github.com/citadel-build/citadel/internal/pep508"
)

func FuzzParseRequiresTxt(f *testing.F) {
	f.Add([]byte("a>=1\n\n[:python_version < \"3.8\"]\nb\n\n[tests]\nc\n"))
	f.Add([]byte("[x:]\n[:]\nd\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		reqs, err := parseRequiresTxt(data)
		if err != nil {
			return
		}
		// Every converted line must itself be a valid Requires-Dist value.
		for _, r := range reqs {
			if _, err := pep508.ParseRequirement(r); err != nil {
				t.Fatalf("converted requirement %q does not parse: %v", r, err)
			}
		}
	})
}

func FuzzUnmarshal(f *testing.F) {
	f.Add([]byte(`{"lock_version":1,"image":"//images/a:b","inputs":{"roots":["a"],"release":"//releases/b","constraints":{"upstream_sha256":"x","patched_sha256":"y"},"overrides":[],"target":{"python_version":"3.11.2","platform":"manylinux_2_36_x86_64"}},"packages":[{"name":"a","version":"1","filename":"a-1-py3-none-any.whl","sha256":"0000000000000000000000000000000000000000000000000000000000000000","size":1,"pinned_by":"constraints","dependencies":[]}]}`))
	f.Add([]byte(`{"lock_version":2}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Unmarshal("fuzz", data)
		if err != nil {
			return
		}
		out, err := l.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		l2, err := Unmarshal("again", out)
		if err != nil {
			t.Fatalf("marshalled lock does not read back: %v", err)
		}
		out2, _ := l2.Marshal()
		if string(out) != string(out2) {
			t.Fatal("Marshal is not stable")
		}
	})
}
