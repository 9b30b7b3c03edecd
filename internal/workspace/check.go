package workspace

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bazelbuild/buildtools/build"
)

// CheckLabels parses every Bazel file of the workspace and checks that each label it names
// resolves as Bazel would resolve it: load() targets are existing files, //pkg:name labels name
// a target or file of an existing package, and @repo labels name a repository that
// MODULE.bazel declares. It stands in for `bazel query` where no Bazel is installed.
func (w *Workspace) CheckLabels(ctx context.Context) error {
	repos, err := w.declaredRepos(ctx)
	if err != nil {
		return err
	}
	var errs []error
	err = filepath.WalkDir(w.Root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != w.Root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !isBazelFile(d.Name()) {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f, err := build.Parse(w.rel(p), data)
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		pkg := filepath.ToSlash(filepath.Dir(w.rel(p)))
		if pkg == "." {
			pkg = ""
		}
		errs = append(errs, w.checkFile(f, pkg, repos)...)
		return nil
	})
	if err != nil {
		return err
	}
	return errors.Join(errs...)
}

func isBazelFile(name string) bool {
	return name == "BUILD.bazel" || name == "BUILD" || name == "MODULE.bazel" || name == "WORKSPACE" || strings.HasSuffix(name, ".bzl")
}

// declaredRepos are the repository names MODULE.bazel makes visible.
func (w *Workspace) declaredRepos(ctx context.Context) (map[string]bool, error) {
	calls, err := w.Module(ctx)
	if err != nil {
		return nil, err
	}
	repos := map[string]bool{"bazel_tools": true}
	for _, c := range calls {
		switch c.Callee {
		case "bazel_dep":
			if n, _, _ := c.String("repo_name"); n != "" {
				repos[n] = true
			} else if n, _, _ := c.String("name"); n != "" {
				repos[n] = true
			}
		case "use_repo":
			for _, n := range c.positionalStrings() {
				repos[n] = true
			}
		default:
			if n, _, _ := c.String("name"); n != "" && c.Callee != "module" {
				repos[n] = true
			}
		}
	}
	return repos, nil
}

func (w *Workspace) checkFile(f *build.File, pkg string, repos map[string]bool) []error {
	var errs []error
	bad := func(e build.Expr, format string, args ...any) {
		start, _ := e.Span()
		errs = append(errs, fmt.Errorf("%s:%d: %s", f.Path, start.Line, fmt.Sprintf(format, args...)))
	}
	for _, stmt := range f.Stmt {
		if l, ok := stmt.(*build.LoadStmt); ok {
			if err := w.resolve(l.Module.Value, pkg, repos, true); err != nil {
				bad(l.Module, "load(%q): %v", l.Module.Value, err)
			}
		}
	}
	build.Walk(f, func(x build.Expr, stk []build.Expr) {
		s, ok := x.(*build.StringExpr)
		if !ok || !looksLikeLabel(s.Value) || inVisibility(stk) {
			return
		}
		if _, isLoad := parent(stk).(*build.LoadStmt); isLoad {
			return
		}
		if err := w.resolve(s.Value, pkg, repos, false); err != nil {
			bad(s, "label %q: %v", s.Value, err)
		}
	})
	return errs
}

// looksLikeLabel skips format templates such as "//%s:%s", which are not labels themselves.
func looksLikeLabel(s string) bool {
	if strings.ContainsAny(s, "%{") {
		return false
	}
	return strings.HasPrefix(s, "//") || (strings.HasPrefix(s, "@") && strings.Contains(s, "//"))
}

func parent(stk []build.Expr) build.Expr {
	if len(stk) == 0 {
		return nil
	}
	return stk[len(stk)-1]
}

// inVisibility skips visibility specs (//visibility:public, //:__subpackages__), which are
// not targets.
func inVisibility(stk []build.Expr) bool {
	for _, e := range stk {
		if a, ok := e.(*build.AssignExpr); ok {
			if id, ok := a.LHS.(*build.Ident); ok && strings.HasSuffix(id.Name, "visibility") {
				return true
			}
		}
	}
	return false
}

func (w *Workspace) resolve(label, pkg string, repos map[string]bool, wantFile bool) error {
	if strings.HasPrefix(label, "@") && !strings.HasPrefix(label, "@//") && !strings.HasPrefix(label, "@@//") {
		repo := strings.TrimLeft(label[:strings.Index(label, "//")], "@")
		if !repos[repo] {
			return fmt.Errorf("repository @%s is not declared in MODULE.bazel", repo)
		}
		return nil
	}
	l, err := ParseLabel(label, pkg)
	if err != nil {
		return err
	}
	dir := w.Path(l.Pkg)
	f, err := w.buildFile(l.Pkg)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(l.Name))); err == nil {
		return nil
	}
	if wantFile {
		return fmt.Errorf("no file %s in package //%s", l.Name, l.Pkg)
	}
	if slices.ContainsFunc(calls(f), func(c *Call) bool { n, _, _ := c.String("name"); return n == l.Name }) {
		return nil
	}
	return fmt.Errorf("no target or file %q in package //%s (%s)", l.Name, l.Pkg, path.Join(l.Pkg, "BUILD.bazel"))
}
