package e2e

import (
	"strings"
	"testing"
)

// Every file of the horizon 2024.1 lock downloads into an empty cache, verified, and the same
// cache then satisfies an offline fetch.
func TestFetchFromEmptyCacheThenOffline(t *testing.T) {
	e := setup(t)
	cache := t.TempDir()
	_, stderr, err := e.citadel(t, "fetch", "//images/horizon:2024.1", "--cache-dir", cache, "--index-url", e.index)
	if err != nil {
		t.Fatalf("fetch: %v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "0 already local") {
		t.Errorf("first fetch found files locally in an empty cache: %s", stderr)
	}
	_, stderr, err = e.citadel(t, "fetch", "//images/horizon:2024.1", "--cache-dir", cache, "--offline")
	if err != nil {
		t.Fatalf("offline fetch: %v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, " 0 downloaded") {
		t.Errorf("offline fetch: %s", stderr)
	}
	t.Log(strings.TrimSpace(stderr))

	_, _, err = e.citadel(t, "fetch", "//images/horizon:2024.1", "--cache-dir", t.TempDir(), "--offline")
	if err == nil || !strings.Contains(err.Error(), "--offline forbids the network") {
		t.Errorf("offline fetch from an empty cache: %v", err)
	}
}
