package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/citadel-build/citadel/internal/lock"
	"github.com/citadel-build/citadel/internal/pep503"
	"github.com/citadel-build/citadel/internal/pipeline"
)

// The committed locks are current, and list exactly the (name, version) set pip resolves for the
// same roots, patched constraints, image pins, Python version and platform. The pip command is:
//
//	python -m pip --isolated install --dry-run --ignore-installed --report REPORT \
//	    --index-url INDEX --find-links WHEELHOUSE --build-constraint BUILD_CONSTRAINTS \
//	    --python-version X.Y --platform PLATFORM... --implementation cp --only-binary=:all: \
//	    -c PATCHED_CONSTRAINTS -c IMAGE_PINS ROOTS...
//
// --platform makes pip resolve for the target rather than this machine (pip does not expand a
// PEP 600 tag to the older ones a glibc 2.X machine also runs, so each is given: manylinux_2_X
// down to manylinux_2_5 and the legacy aliases), and requires
// --only-binary; the packages the lock flags needs_build are therefore built into WHEELHOUSE
// first (pip wheel --no-deps from the locked, hash-verified sdists), and those whose wheel is
// specific to this machine's Python are retagged py3-none-any with `wheel tags` (only their
// metadata matters to a dry run). BUILD_CONSTRAINTS holds setuptools<82: newer setuptools lacks
// the pkg_resources that old setup.py files import.
func TestLockMatchesPip(t *testing.T) {
	e := setup(t)
	for _, image := range []string{"//images/horizon:2024.1", "//images/keystone:2024.1", "//images/horizon:2023.1"} {
		t.Run(strings.TrimPrefix(image, "//images/"), func(t *testing.T) {
			_, stderr, err := e.citadel(t, "lock", image, "--check", "--distdir", e.shared, "--index-url", e.index)
			if err != nil {
				t.Fatalf("committed lock is not current: %v\n%s", err, stderr)
			}
			l := e.lockOf(t, image)
			got := lockedSet(l)
			want := e.pipResolves(t, l)
			if !slices.Equal(got, want) {
				t.Errorf("lock and pip disagree\nonly in lock: %v\nonly in pip:  %v", minus(got, want), minus(want, got))
			}
			t.Logf("%s: %d packages, same as pip", image, len(got))
		})
	}
}

func (e env) lockOf(t *testing.T, image string) *lock.Lock {
	t.Helper()
	service, release, _ := strings.Cut(strings.TrimPrefix(image, "//images/"), ":")
	l, err := pipeline.ReadLock(filepath.Join(e.root, "images", service, release+".lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func lockedSet(l *lock.Lock) []string {
	var out []string
	for _, p := range l.Packages {
		out = append(out, p.Name+"=="+p.Version)
	}
	slices.Sort(out)
	return out
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func (e env) pipResolves(t *testing.T, l *lock.Lock) []string {
	t.Helper()
	dir := t.TempDir()
	patched := filepath.Join(dir, "constraints.txt")
	if _, stderr, err := e.citadel(t, "constraints", "patch", l.Inputs.Release, "--distdir", e.shared, "--offline", "-o", patched); err != nil {
		t.Fatalf("patch: %v\n%s", err, stderr)
	}
	pins := filepath.Join(dir, "pins.txt")
	buildConstraints := filepath.Join(dir, "build-constraints.txt")
	write(t, pins, strings.Join(l.Inputs.Pins, "\n")+"\n")
	write(t, buildConstraints, "setuptools<82\n")
	wheelhouse := e.buildWheelhouse(t, l, dir, buildConstraints)

	pyVersion := l.Inputs.Target.PythonVersion[:strings.LastIndex(l.Inputs.Target.PythonVersion, ".")]
	report := filepath.Join(dir, "report.json")
	args := []string{"-m", "pip", "--isolated", "install", "--dry-run", "--ignore-installed", "--quiet", "--report", report,
		"--index-url", e.index, "--find-links", wheelhouse, "--build-constraint", buildConstraints,
		"--python-version", pyVersion, "--implementation", "cp", "--only-binary=:all:",
		"-c", patched, "-c", pins}
	for _, p := range manylinuxPlatforms(t, l.Inputs.Target.Platform) {
		args = append(args, "--platform", p)
	}
	args = append(args, l.Inputs.Roots...)
	run(t, dir, e.python, args...)

	var r struct {
		Install []struct {
			Metadata struct{ Name, Version string } `json:"metadata"`
		} `json:"install"`
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, i := range r.Install {
		out = append(out, pep503.Normalize(i.Metadata.Name)+"=="+i.Metadata.Version)
	}
	slices.Sort(out)
	return out
}

// buildWheelhouse builds the lock's needs_build sdists, fetched and verified by citadel.
func (e env) buildWheelhouse(t *testing.T, l *lock.Lock, dir, buildConstraints string) string {
	t.Helper()
	wheelhouse := filepath.Join(dir, "wheelhouse")
	if err := os.MkdirAll(wheelhouse, 0o755); err != nil {
		t.Fatal(err)
	}
	var sdists lock.Lock
	sdists.FormatVersion, sdists.Image = lock.FormatVersion, l.Image
	for _, p := range l.Packages {
		if p.NeedsBuild {
			sdists.Packages = append(sdists.Packages, p)
		}
	}
	if len(sdists.Packages) == 0 {
		return wheelhouse
	}
	lockPath := filepath.Join(dir, "sdists.lock.json")
	data, err := sdists.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	write(t, lockPath, string(data))
	if _, stderr, err := e.citadel(t, "fetch", "--lock", lockPath, "--index-url", e.index); err != nil {
		t.Fatalf("fetch sdists: %v\n%s", err, stderr)
	}
	for _, p := range sdists.Packages {
		src := filepath.Join(e.cacheDir, "sha256", p.SHA256[:2], p.SHA256)
		named := filepath.Join(dir, p.Filename)
		if err := os.Link(src, named); err != nil {
			t.Fatal(err)
		}
		run(t, dir, e.python, "-m", "pip", "--isolated", "wheel", "--quiet", "--no-deps", "--build-constraint", buildConstraints, "--index-url", e.index, "-w", wheelhouse, named)
	}
	built, _ := filepath.Glob(filepath.Join(wheelhouse, "*.whl"))
	for _, w := range built {
		if !strings.HasSuffix(w, "-none-any.whl") {
			run(t, wheelhouse, e.python, "-m", "wheel", "tags", "--remove", "--python-tag", "py3", "--abi-tag", "none", "--platform-tag", "any", w)
		}
	}
	return wheelhouse
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// manylinuxPlatforms lists the manylinux tags a glibc machine of the target's version accepts.
func manylinuxPlatforms(t *testing.T, platform string) []string {
	t.Helper()
	var minor int
	var arch string
	if _, err := fmt.Sscanf(strings.Replace(platform, "_", " ", 3), "manylinux 2 %d %s", &minor, &arch); err != nil {
		t.Fatalf("platform %s: %v", platform, err)
	}
	var out []string
	for m := minor; m >= 5; m-- {
		out = append(out, fmt.Sprintf("manylinux_2_%d_%s", m, arch))
	}
	return append(out, "manylinux2014_"+arch, "manylinux2010_"+arch, "manylinux1_"+arch)
}
