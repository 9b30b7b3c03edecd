package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A committed lock that no longer matches what resolving gives fails --check, which names the
// difference and writes nothing.
func TestLockCheckDetectsStaleLock(t *testing.T) {
	e := setup(t)
	ws := e.workspaceCopy(t)
	lockPath := filepath.Join(ws, "images", "horizon", "2024.1.lock.json")
	data, err := os.ReadFile(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	stale := strings.Replace(string(data), `"version": "4.2.11"`, `"version": "4.2.10"`, 1)
	if stale == string(data) {
		t.Fatal("Django 4.2.11 not found in the lock")
	}
	write(t, lockPath, stale)

	_, stderr, err := e.citadel(t, "--workspace", ws, "lock", "//images/horizon:2024.1", "--check", "--distdir", e.shared, "--index-url", e.index)
	if err == nil || !strings.Contains(err.Error(), "not up to date") {
		t.Fatalf("err = %v, want a stale-lock error", err)
	}
	if !strings.Contains(stderr, "~ django 4.2.10") {
		t.Errorf("the difference is not named:\n%s", stderr)
	}
	after, _ := os.ReadFile(lockPath)
	if string(after) != stale {
		t.Error("--check rewrote the lock")
	}
}

// workspaceCopy is a copy of the repository's declarations (Bazel files, releases, images and
// their locks, tools), for tests that change one.
func (e env) workspaceCopy(t *testing.T) string {
	t.Helper()
	ws := t.TempDir()
	for _, f := range []string{"MODULE.bazel", "BUILD.bazel", "WORKSPACE"} {
		copyFile(t, filepath.Join(e.root, f), filepath.Join(ws, f))
	}
	for _, d := range []string{"releases", "images", "tools"} {
		copyTree(t, filepath.Join(e.root, d), filepath.Join(ws, d))
	}
	return ws
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		copyFile(t, p, filepath.Join(dst, rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	write(t, dst, string(data))
}
