// Package workspace reads a Bazel workspace the way Bazel would: it finds the root by its
// MODULE.bazel, resolves labels to packages and targets, and decodes the literal attributes of
// rule calls in BUILD.bazel and MODULE.bazel with buildtools' parser.
package workspace

import (
	"fmt"
	"path"
	"strings"
)

// Label is a parsed Bazel label in the main repository, e.g. //releases/2023.1:2023.1.
type Label struct {
	Pkg  string // "releases/2023.1"
	Name string // "2023.1"
}

// ParseLabel accepts "//pkg:name", "//pkg" (name = last path component) and "@//pkg:name".
// A label relative to the current package (":name") is resolved against pkg.
func ParseLabel(s, pkg string) (Label, error) {
	orig := s
	s = strings.TrimPrefix(s, "@@")
	s = strings.TrimPrefix(s, "@")
	switch {
	case strings.HasPrefix(s, "//"):
		s = s[2:]
	case strings.HasPrefix(s, ":"):
		return newLabel(orig, pkg, s[1:])
	default:
		return Label{}, fmt.Errorf("label %q: want //package[:name] (external repositories are not targets here)", orig)
	}
	p, name, hasName := strings.Cut(s, ":")
	if !hasName {
		name = path.Base(p)
	}
	return newLabel(orig, p, name)
}

func newLabel(orig, pkg, name string) (Label, error) {
	if name == "" || strings.ContainsAny(name, ":") {
		return Label{}, fmt.Errorf("label %q: bad target name %q", orig, name)
	}
	if pkg != "" && (path.Clean(pkg) != pkg || strings.HasPrefix(pkg, "/") || strings.HasPrefix(pkg, "../") || pkg == "..") {
		return Label{}, fmt.Errorf("label %q: bad package path %q", orig, pkg)
	}
	return Label{Pkg: pkg, Name: name}, nil
}

// String is the canonical form; the name is omitted when it equals the package's last component.
func (l Label) String() string {
	if l.Name == path.Base(l.Pkg) {
		return "//" + l.Pkg
	}
	return "//" + l.Pkg + ":" + l.Name
}
