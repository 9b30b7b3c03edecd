package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/citadel-build/citadel/internal/fetch"
	"github.com/citadel-build/citadel/internal/jsonfile"
	"github.com/citadel-build/citadel/internal/lock"
	"github.com/citadel-build/citadel/internal/venv"
	"github.com/citadel-build/citadel/internal/wheel"
)

// Wheelhouse is the manifest (wheelhouse.json) of a directory of wheels built from the sdists a
// lock flags needs_build. It records both hashes, so a built wheel is tied to the exact sdist
// the lock pins and cannot be swapped afterwards.
type Wheelhouse struct {
	Wheels []BuiltWheel `json:"wheels"`
}

// BuiltWheel is one wheel of a wheelhouse.
type BuiltWheel struct {
	Name        string `json:"name"`
	Version     string `json:"version"`
	SdistSHA256 string `json:"sdist_sha256"`
	Filename    string `json:"filename"`
	SHA256      string `json:"sha256"`
}

// ReadWheelhouse reads DIR/wheelhouse.json.
func ReadWheelhouse(dir string) (*Wheelhouse, error) {
	data, err := os.ReadFile(filepath.Join(dir, "wheelhouse.json"))
	if err != nil {
		return nil, fmt.Errorf("wheelhouse %s: %w", dir, err)
	}
	var w Wheelhouse
	if err := jsonfile.Unmarshal(filepath.Join(dir, "wheelhouse.json"), data, &w); err != nil {
		return nil, fmt.Errorf("wheelhouse %w", err)
	}
	return &w, nil
}

// VenvInput gives the lock and where each locked file is.
type VenvInput struct {
	Lock       *lock.Lock
	Files      map[string]string // sha256 -> local path of every locked file
	Wheelhouse string            // directory with wheelhouse.json, for needs_build packages
	Config     venv.Config
	Out        string
}

// BuildVenv runs stage 4: open and validate every locked wheel (or the wheelhouse's build of a
// locked sdist) and write the venv layers.
func BuildVenv(ctx context.Context, in VenvInput) (*venv.Manifest, error) {
	var wh *Wheelhouse
	var missing, errs []error
	var pkgs []venv.Package
	for _, p := range in.Lock.Packages {
		path, sha, filename := in.Files[p.SHA256], p.SHA256, p.Filename
		if p.NeedsBuild {
			if wh == nil && in.Wheelhouse != "" {
				var err error
				if wh, err = ReadWheelhouse(in.Wheelhouse); err != nil {
					return nil, err
				}
			}
			built, ok := builtFor(wh, p)
			if !ok {
				missing = append(missing, fmt.Errorf("%s %s (%s)", p.Name, p.Version, p.Filename))
				continue
			}
			path, sha, filename = filepath.Join(in.Wheelhouse, built.Filename), built.SHA256, built.Filename
		}
		if path == "" {
			errs = append(errs, fmt.Errorf("%s %s: %s (sha256 %s) was not given", p.Name, p.Version, p.Filename, p.SHA256))
			continue
		}
		w, err := wheel.Open(path, sha, wheel.Filename(filename))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s %s: %w", p.Name, p.Version, err))
			continue
		}
		pkgs = append(pkgs, venv.Package{Name: p.Name, Version: p.Version, Root: p.Root, Wheel: w})
	}
	if len(missing) > 0 {
		msg := "these packages have no wheel for the target and are locked as sdists (needs_build); build them with `citadel wheelhouse` and pass --wheelhouse DIR:"
		errs = append(errs, fmt.Errorf("%s\n  %w", msg, errors.Join(missing...)))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("venv for %s: %w", in.Lock.Image, err)
	}
	return venv.Build(ctx, in.Config, pkgs, in.Out)
}

func builtFor(wh *Wheelhouse, p lock.Package) (BuiltWheel, bool) {
	if wh == nil {
		return BuiltWheel{}, false
	}
	for _, b := range wh.Wheels {
		if b.SdistSHA256 == p.SHA256 && strings.EqualFold(b.Name, p.Name) && b.Version == p.Version {
			return b, true
		}
	}
	return BuiltWheel{}, false
}

// LocalFiles maps each locked file's sha256 to a verified local copy (distdirs or cache),
// downloading what is missing unless offline.
func LocalFiles(ctx context.Context, l *lock.Lock, f *fetch.Fetcher, idx Projects, offline bool) (map[string]string, error) {
	plan, err := PlanFetch(l, f)
	if err != nil {
		return nil, err
	}
	fetched, err := FetchLocked(ctx, plan, f, idx, offline, 8)
	if err != nil {
		return nil, err
	}
	files := map[string]string{}
	for _, x := range fetched {
		files[x.Package.SHA256] = x.Path
	}
	return files, nil
}

// GivenFiles maps the sha256 of each explicitly given file to its path, for the hermetic form
// (`--lock FILE --wheel PATH...`): no cache, no network.
func GivenFiles(paths []string) (map[string]string, error) {
	files := map[string]string{}
	for _, p := range paths {
		sum, err := fetch.HashFile(p)
		if err != nil {
			return nil, fmt.Errorf("--wheel %s: %w", p, err)
		}
		files[sum] = p
	}
	return files, nil
}
