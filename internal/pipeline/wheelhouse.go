package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/citadel-build/citadel/internal/atomicfile"
	"github.com/citadel-build/citadel/internal/fetch"
	"github.com/citadel-build/citadel/internal/jsonfile"
	"github.com/citadel-build/citadel/internal/lock"
	"github.com/citadel-build/citadel/internal/pep425"
	"github.com/citadel-build/citadel/internal/pep503"
)

// WheelhouseInput says how to build the needs_build sdists of a lock.
type WheelhouseInput struct {
	Lock             *lock.Lock
	Python           string   // interpreter with pip, matching the target's CPython minor version
	IndexURL         string   // where pip finds build dependencies
	BuildConstraints []string // files passed to pip --build-constraint
	Epoch            int64    // SOURCE_DATE_EPOCH for the builds
	Out              string
}

// BuildWheelhouse builds each sdist the lock flags needs_build, from the hash-verified sdist, with
// `pip wheel --no-deps`, checks that the wheel fits the lock's target, and records both hashes in
// OUT/wheelhouse.json.
func BuildWheelhouse(ctx context.Context, in WheelhouseInput, f *fetch.Fetcher, idx Projects) (*Wheelhouse, error) {
	var sdists lock.Lock
	sdists.FormatVersion, sdists.Image = in.Lock.FormatVersion, in.Lock.Image
	for _, p := range in.Lock.Packages {
		if p.NeedsBuild {
			sdists.Packages = append(sdists.Packages, p)
		}
	}
	files, err := LocalFiles(ctx, &sdists, f, idx, false)
	if err != nil {
		return nil, err
	}
	if _, err := in.Lock.Inputs.Target.Fits("probe-0-py3-none-any.whl"); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(in.Out, 0o755); err != nil {
		return nil, err
	}
	wh := &Wheelhouse{Wheels: []BuiltWheel{}}
	for _, p := range sdists.Packages {
		b, err := buildOne(ctx, in, p, files[p.SHA256])
		if err != nil {
			return nil, fmt.Errorf("wheelhouse: %s %s: %w", p.Name, p.Version, err)
		}
		wh.Wheels = append(wh.Wheels, b)
	}
	slices.SortFunc(wh.Wheels, func(a, b BuiltWheel) int { return strings.Compare(a.Name, b.Name) })
	data, err := jsonfile.Marshal(wh)
	if err != nil {
		return nil, err
	}
	return wh, atomicfile.WriteFile(filepath.Join(in.Out, "wheelhouse.json"), data, 0o644)
}

func buildOne(ctx context.Context, in WheelhouseInput, p lock.Package, sdist string) (BuiltWheel, error) {
	tmp, err := os.MkdirTemp("", "citadel-wheel-")
	if err != nil {
		return BuiltWheel{}, err
	}
	defer os.RemoveAll(tmp)
	// pip recognises the sdist by its file name; the cache stores it by hash.
	named := filepath.Join(tmp, p.Filename)
	if err := os.Symlink(sdist, named); err != nil {
		return BuiltWheel{}, err
	}
	args := []string{"-m", "pip", "--isolated", "wheel", "--quiet", "--no-deps", "-w", filepath.Join(tmp, "out")}
	if in.IndexURL != "" {
		args = append(args, "--index-url", in.IndexURL)
	}
	for _, c := range in.BuildConstraints {
		args = append(args, "--build-constraint", c)
	}
	cmd := exec.CommandContext(ctx, in.Python, append(args, named)...)
	cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH="+strconv.FormatInt(in.Epoch, 10), "PYTHONHASHSEED=0")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return BuiltWheel{}, fmt.Errorf("pip wheel %s: %w\n%s", p.Filename, err, out.String())
	}
	built, _ := filepath.Glob(filepath.Join(tmp, "out", "*.whl"))
	if len(built) != 1 {
		return BuiltWheel{}, fmt.Errorf("pip wheel %s made %d wheels, want 1", p.Filename, len(built))
	}
	name := filepath.Base(built[0])
	wf, err := pep425.ParseWheelFilename(name)
	if err != nil {
		return BuiltWheel{}, err
	}
	if pep503.Normalize(wf.Name) != p.Name {
		return BuiltWheel{}, fmt.Errorf("pip built %s, not %s %s", name, p.Name, p.Version)
	}
	t := in.Lock.Inputs.Target
	if ok, err := t.Fits(name); err != nil || !ok {
		return BuiltWheel{}, fmt.Errorf("built %s, which does not install on the target (python %s, %s): build with a python %s interpreter",
			name, t.PythonVersion, t.Platform, t.PythonVersion)
	}
	data, err := os.ReadFile(built[0])
	if err != nil {
		return BuiltWheel{}, err
	}
	if err := atomicfile.WriteFile(filepath.Join(in.Out, name), data, 0o644); err != nil {
		return BuiltWheel{}, err
	}
	sum, err := fetch.HashFile(filepath.Join(in.Out, name))
	if err != nil {
		return BuiltWheel{}, err
	}
	return BuiltWheel{Name: p.Name, Version: p.Version, SdistSHA256: p.SHA256, Filename: name, SHA256: sum}, nil
}
