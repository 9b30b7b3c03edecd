// Package testutil finds the real upstream files tests run against.
package testutil

import (
	"os"
	"path/filepath"
	"testing"
)

// RepoRoot is the directory holding go.mod, found from the test's working directory.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}

// SharedData is ../shared/data beside the repository (or $CITADEL_SHARED_DATA): the upstream
// upper-constraints and requirements files. Their absence is a failure, not a skip.
func SharedData(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("CITADEL_SHARED_DATA")
	if dir == "" {
		dir = filepath.Join(RepoRoot(t), "..", "shared", "data")
	}
	if _, err := os.Stat(filepath.Join(dir, "openstack", "requirements")); err != nil {
		t.Fatalf("upstream test data not found (set CITADEL_SHARED_DATA): %v", err)
	}
	return dir
}

// UpperConstraints is the path of a release's upstream upper-constraints.txt.
func UpperConstraints(t testing.TB, release string) string {
	t.Helper()
	return filepath.Join(SharedData(t), "openstack", "requirements", release, "upper-constraints.txt")
}
