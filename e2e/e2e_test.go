// Package e2e holds the acceptance tests: citadel's commands run in-process against the real
// upstream files, the real package index and real tools (pip), as a user would run them.
package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citadel-build/citadel/internal/cli"
	"github.com/citadel-build/citadel/internal/testutil"
)

// processTemp is a directory shared by the tests of one run and removed at its end.
var processTemp string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "citadel-e2e-")
	if err != nil {
		panic(err)
	}
	processTemp = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// env is what the acceptance tests need from the machine; tools/test.sh provides all of it.
type env struct {
	root     string // repository
	shared   string // ../shared/data
	index    string // package index URL
	python   string // a Python with pip, wheel and uv at pinned versions
	cacheDir string // citadel's download cache, kept between runs (content-addressed)
}

func setup(t *testing.T) env {
	t.Helper()
	e := env{root: testutil.RepoRoot(t), shared: testutil.SharedData(t), index: os.Getenv("CITADEL_TEST_INDEX_URL"), python: os.Getenv("CITADEL_TEST_PYTHON")}
	if e.index == "" || e.python == "" {
		t.Fatal("CITADEL_TEST_INDEX_URL and CITADEL_TEST_PYTHON must be set: run the tests with bash tools/test.sh")
	}
	e.cacheDir = filepath.Join(e.root, ".cache", "citadel")
	return e
}

// citadel runs a citadel command in-process and returns its standard output and error.
func (e env) citadel(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	cmd := cli.New()
	var stdout, stderr bytes.Buffer
	cmd.SetOut(&stdout)
	cmd.SetErr(&stderr)
	full := append([]string{"--workspace", e.root}, args...)
	if !hasFlag(args, "--cache-dir") {
		full = append([]string{"--cache-dir", e.cacheDir}, full...)
	}
	cmd.SetArgs(full)
	err := cmd.ExecuteContext(context.Background())
	return stdout.String(), stderr.String(), err
}

func hasFlag(args []string, flag string) bool {
	for _, a := range args {
		if a == flag || strings.HasPrefix(a, flag+"=") {
			return true
		}
	}
	return false
}

// run runs an external command, failing the test with its output on error.
func run(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}
