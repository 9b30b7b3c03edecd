package workspace

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/bazelbuild/buildtools/build"
)

// Workspace is a Bazel workspace on disk.
type Workspace struct {
	Root string
}

// Find walks up from dir to the first directory holding MODULE.bazel, as Bazel does.
func Find(dir string) (*Workspace, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("find workspace from %s: %w", dir, err)
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "MODULE.bazel")); err == nil {
			return &Workspace{Root: d}, nil
		}
		if filepath.Dir(d) == d {
			return nil, fmt.Errorf("no MODULE.bazel in %s or any parent: run inside a Citadel workspace or pass --workspace", abs)
		}
	}
}

// Open uses root as the workspace root; it must hold MODULE.bazel.
func Open(root string) (*Workspace, error) {
	if _, err := os.Stat(filepath.Join(root, "MODULE.bazel")); err != nil {
		return nil, fmt.Errorf("workspace %s: %w", root, err)
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	return &Workspace{Root: abs}, nil
}

// Path returns the absolute path of a workspace-relative file.
func (w *Workspace) Path(rel string) string { return filepath.Join(w.Root, filepath.FromSlash(rel)) }

// rel names files in messages relative to the root, the same on every machine.
func (w *Workspace) rel(path string) string {
	if r, err := filepath.Rel(w.Root, path); err == nil {
		return filepath.ToSlash(r)
	}
	return path
}

// Target finds the rule call that declares label in its package's BUILD.bazel (or BUILD).
func (w *Workspace) Target(ctx context.Context, l Label) (*Call, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := w.buildFile(l.Pkg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l, err)
	}
	for _, c := range calls(f) {
		if name, ok, _ := c.String("name"); ok && name == l.Name {
			return c, nil
		}
	}
	return nil, fmt.Errorf("%s: no target named %q in %s", l, l.Name, f.Path)
}

// Module returns the calls of MODULE.bazel.
func (w *Workspace) Module(ctx context.Context) ([]*Call, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	path := w.Path("MODULE.bazel")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := build.ParseModule(w.rel(path), data)
	if err != nil {
		return nil, err
	}
	return calls(f), nil
}

// Repo returns the call in MODULE.bazel that defines repository name (e.g. an http_file).
func (w *Workspace) Repo(ctx context.Context, name string) (*Call, error) {
	cs, err := w.Module(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if n, ok, _ := c.String("name"); ok && n == name {
			return c, nil
		}
	}
	return nil, fmt.Errorf("%s: no repository named %q", w.Path("MODULE.bazel"), name)
}

func (w *Workspace) buildFile(pkg string) (*build.File, error) {
	for _, name := range []string{"BUILD.bazel", "BUILD"} {
		path := filepath.Join(w.Path(pkg), name)
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return build.ParseBuild(w.rel(path), data)
	}
	return nil, fmt.Errorf("no BUILD.bazel in package %q (%s)", pkg, w.Path(pkg))
}

// calls returns the top-level calls of a file with their callee resolved through load().
func calls(f *build.File) []*Call {
	loaded := map[string]string{} // local name -> "module%symbol"
	var out []*Call
	for _, stmt := range f.Stmt {
		switch s := stmt.(type) {
		case *build.LoadStmt:
			for i := range s.To {
				loaded[s.To[i].Name] = s.Module.Value + "%" + s.From[i].Name
			}
		case *build.CallExpr:
			out = append(out, newCall(f.Path, s, loaded))
		}
	}
	return out
}

// GitRevision is the commit checked out in the workspace, read from its .git directory (no git
// binary needed), or "" if the workspace is not a git checkout. Uncommitted changes are not seen:
// callers that label images with it say so.
func (w *Workspace) GitRevision() string {
	gitDir := w.Path(".git")
	if data, err := os.ReadFile(gitDir); err == nil { // a worktree or submodule: "gitdir: PATH"
		rest, ok := strings.CutPrefix(strings.TrimSpace(string(data)), "gitdir: ")
		if !ok {
			return ""
		}
		if !filepath.IsAbs(rest) {
			rest = filepath.Join(w.Root, rest)
		}
		gitDir = rest
	}
	head, err := os.ReadFile(filepath.Join(gitDir, "HEAD"))
	if err != nil {
		return ""
	}
	ref, symbolic := strings.CutPrefix(strings.TrimSpace(string(head)), "ref: ")
	if !symbolic {
		return hexRevision(ref)
	}
	common := gitDir
	if data, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		common = filepath.Join(gitDir, strings.TrimSpace(string(data)))
	}
	for _, dir := range []string{gitDir, common} {
		if data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(ref))); err == nil {
			return hexRevision(strings.TrimSpace(string(data)))
		}
	}
	packed, err := os.ReadFile(filepath.Join(common, "packed-refs"))
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(packed)) {
		if hash, name, ok := strings.Cut(strings.TrimSpace(line), " "); ok && name == ref {
			return hexRevision(hash)
		}
	}
	return ""
}

func hexRevision(s string) string {
	if len(s) != 40 && len(s) != 64 {
		return ""
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return ""
		}
	}
	return s
}
