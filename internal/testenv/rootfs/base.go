// Package rootfs gives end-to-end tests a real Linux root filesystem to run commands in: a
// Debian base image built reproducibly by tools/debian-base.sh and cached, an OCI layer
// unpacker and a runc launcher.
package rootfs

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/citadel-build/citadel/internal/testutil"
)

// The base every end-to-end test shares: what OpenStack images are built on.
const (
	baseSuite   = "bookworm"
	baseInclude = "python3"
)

// DebianBase returns the path of a bookworm (minbase + python3) OCI image layout built by
// tools/debian-base.sh, cached under <repo>/.cache/debian-base/<key>. The key hashes what the
// image depends on: the script, tools/ocibase, the Go version and the script's --identity
// (suite, packages, SOURCE_DATE_EPOCH, and the sha256 of the mirror's Packages indexes), so the
// base is rebuilt when the mirror moves. Concurrent test processes take a lock per key, and a
// build becomes visible only by renaming the finished layout into place.
func DebianBase(t testing.TB) string {
	t.Helper()
	repo := testutil.RepoRoot(t)
	script := filepath.Join(repo, "tools", "debian-base.sh")
	args := []string{"--suite", baseSuite, "--include", baseInclude}
	ident, err := command(repo, "bash", append([]string{script, "--identity"}, args...)...)
	if err != nil {
		t.Fatalf("Debian base identity: %v", err)
	}
	key, err := baseKey(repo, ident)
	if err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(repo, ".cache", "debian-base")
	if err := os.MkdirAll(cache, 0o755); err != nil {
		t.Fatal(err)
	}
	unlock, err := lock(filepath.Join(cache, key+".lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	final := filepath.Join(cache, key)
	if _, err := os.Stat(filepath.Join(final, "index.json")); err == nil {
		return final
	}

	// Under the lock, a build directory left behind is a killed build's.
	tmp := filepath.Join(cache, "."+key+".build")
	if err := os.RemoveAll(tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	start := time.Now()
	identFile := filepath.Join(tmp, "identity")
	digest, err := command(repo, "bash", append([]string{script, filepath.Join(tmp, "layout"), "--identity-file", identFile}, args...)...)
	if err != nil {
		t.Fatalf("build Debian base: %v", err)
	}
	// The mirror may have moved since --identity: file the build under what it was built from.
	built, err := os.ReadFile(identFile)
	if err != nil {
		t.Fatal(err)
	}
	if string(built) != ident {
		if key, err = baseKey(repo, string(built)); err != nil {
			t.Fatal(err)
		}
		final = filepath.Join(cache, key)
	}
	if err := os.Rename(filepath.Join(tmp, "layout"), final); err != nil {
		if _, statErr := os.Stat(filepath.Join(final, "index.json")); statErr != nil {
			t.Fatalf("store Debian base: %v", err)
		}
	}
	t.Logf("built Debian base %s (manifest %s) in %s", final, strings.TrimSpace(digest), time.Since(start).Round(time.Second))
	return final
}

// baseKey hashes the identity with every file the build's output depends on.
func baseKey(repo, identity string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "identity\n%s\n", identity)
	goVersion, err := command(repo, "go", "env", "GOVERSION")
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "go %s\n", goVersion)
	helper, err := filepath.Glob(filepath.Join(repo, "tools", "ocibase", "*.go"))
	if err != nil {
		return "", err
	}
	for _, f := range append([]string{filepath.Join(repo, "tools", "debian-base.sh")}, helper...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("Debian base cache key: %w", err)
		}
		fmt.Fprintf(h, "%s %d\n", filepath.Base(f), len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))[:32], nil
}

// command runs name in dir and returns its standard output; a failure includes the end of its
// standard error.
func command(dir, name string, args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := stderr.String()
		if len(msg) > 4000 {
			msg = "…" + msg[len(msg)-4000:]
		}
		return "", fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, msg)
	}
	return stdout.String(), nil
}

// lock takes an exclusive lock on path, waiting for other processes holding it.
func lock(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}
