package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"

	"github.com/citadel-build/citadel/internal/atomicfile"
	"github.com/citadel-build/citadel/internal/constraints"
	"github.com/citadel-build/citadel/internal/decl"
	"github.com/citadel-build/citadel/internal/fetch"
	"github.com/citadel-build/citadel/internal/lock"
	"github.com/citadel-build/citadel/internal/workspace"
)

// LockInput says which image to lock and how.
type LockInput struct {
	Workspace     *workspace.Workspace
	Label         workspace.Label
	Check         bool // compare with the committed lock instead of writing it
	AllowUnpinned bool
	Progress      func(done, total int, name string)
}

// LockResult is a resolved lock and where it lives.
type LockResult struct {
	Image *decl.Image
	Lock  *lock.Lock
	Path  string // the committed lock file
	Data  []byte
	// Changed is set when Check found the committed lock out of date (Data is what it should be).
	Changed bool
	Diff    []string
}

// Lock runs stage 2 for an image: patch its release's constraints, resolve, and write or check
// the committed lock file.
func Lock(ctx context.Context, in LockInput, f *fetch.Fetcher, idx lock.Index) (*LockResult, error) {
	img, err := decl.LoadImage(ctx, in.Workspace, in.Label)
	if err != nil {
		return nil, err
	}
	rl := img.Release.Label
	patched, err := PatchConstraints(ctx, PatchInput{Workspace: in.Workspace, Label: &rl}, f)
	if err != nil {
		return nil, err
	}
	req, err := lockRequest(img, patched, in.AllowUnpinned)
	if err != nil {
		return nil, err
	}
	req.Progress = in.Progress
	l, err := lock.Resolve(ctx, req, idx, f)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", in.Label, err)
	}
	data, err := l.Marshal()
	if err != nil {
		return nil, err
	}
	res := &LockResult{Image: img, Lock: l, Path: in.Workspace.Path(img.LockFile), Data: data}
	old, err := os.ReadFile(res.Path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if in.Check {
		if !bytes.Equal(old, data) {
			res.Changed = true
			res.Diff = diffLocks(img.LockFile, old, l)
		}
		return res, nil
	}
	if err := atomicfile.WriteFile(res.Path, data, 0o644); err != nil {
		return nil, err
	}
	return res, nil
}

// lockRequest is the resolution an image declares, against its release's patched constraints.
func lockRequest(img *decl.Image, patched *Patched, allowUnpinned bool) (lock.Request, error) {
	rl := img.Release.Label
	file, err := constraints.Parse("patched constraints of "+rl.String(), patched.Result.Data)
	if err != nil {
		return lock.Request{}, err
	}
	return lock.Request{
		Image:       img.Label.String(),
		Roots:       img.Packages,
		Pins:        img.Pins,
		Release:     rl.String(),
		Constraints: file,
		Provenance: lock.Provenance{
			UpstreamURL:    patched.Report.Upstream.URL,
			UpstreamSHA256: patched.Report.Upstream.SHA256,
			PatchedSHA256:  patched.Report.PatchedSHA256,
		},
		Overrides:     lockOverrides(patched.Report.Changes),
		Target:        lock.Target{PythonVersion: img.Release.PythonVersion, Platform: img.Release.Platform},
		AllowUnpinned: allowUnpinned,
	}, nil
}

// lockOverrides are the changes of a constraints report as a lock records them.
func lockOverrides(changes []constraints.Change) []lock.Override {
	var ovs []lock.Override
	for _, c := range changes {
		ovs = append(ovs, lock.Override{Op: string(c.Op), Package: c.Package, From: c.From, To: c.To, Advisories: c.Advisories})
	}
	return ovs
}

// diffInputs lists the inputs of a committed lock that differ from what the declarations say now.
func diffInputs(committed, declared lock.Inputs) []string {
	var out []string
	for _, f := range []struct {
		name      string
		have, now any
	}{
		{"roots", committed.Roots, declared.Roots},
		{"pins", committed.Pins, declared.Pins},
		{"release", committed.Release, declared.Release},
		{"constraints", committed.Constraints, declared.Constraints},
		{"overrides", committed.Overrides, declared.Overrides},
		{"target", committed.Target, declared.Target},
	} {
		have, _ := json.Marshal(f.have)
		now, _ := json.Marshal(f.now)
		if string(have) == "null" {
			have = []byte("[]")
		}
		if string(now) == "null" {
			now = []byte("[]")
		}
		if !bytes.Equal(have, now) {
			out = append(out, fmt.Sprintf("%s: lock has %s, declarations give %s", f.name, have, now))
		}
	}
	return out
}

// diffLocks summarises how a committed lock differs from a fresh one, package by package.
func diffLocks(name string, old []byte, fresh *lock.Lock) []string {
	if old == nil {
		return []string{name + " does not exist"}
	}
	prev, err := lock.Unmarshal(name, old)
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	for _, p := range fresh.Packages {
		q, ok := prev.Package(p.Name)
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("+ %s %s", p.Name, p.Version))
		case q.Version != p.Version || q.Filename != p.Filename || q.SHA256 != p.SHA256:
			out = append(out, fmt.Sprintf("~ %s %s (%s) -> %s (%s)", p.Name, q.Version, q.Filename, p.Version, p.Filename))
		}
	}
	for _, q := range prev.Packages {
		if _, ok := fresh.Package(q.Name); !ok {
			out = append(out, fmt.Sprintf("- %s %s", q.Name, q.Version))
		}
	}
	if len(out) == 0 {
		out = append(out, "inputs or dependency edges differ (same packages and files)")
	}
	slices.Sort(out)
	return out
}

// NeedsBuild lists the packages locked as sdists.
func NeedsBuild(l *lock.Lock) []string {
	var out []string
	for _, p := range l.Packages {
		if p.NeedsBuild {
			out = append(out, p.Name+" "+p.Version)
		}
	}
	return out
}
