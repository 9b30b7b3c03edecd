package workspace

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bazelbuild/buildtools/build"
)

// Call is one rule or function call with literal keyword arguments.
type Call struct {
	strs   []string // positional string arguments, e.g. of use_repo
	File   string   // path of the file it is in
	Line   int
	Callee string // the called name as written, e.g. "openstack_release" or "override.pin"
	// Symbol is the callee resolved through load(): "//tools:defs.bzl%openstack_release" or, for
	// attribute access, "//tools:defs.bzl%override.pin". Empty for builtins.
	Symbol     string
	args       map[string]build.Expr
	positional int
	loaded     map[string]string
}

func newCall(file string, e *build.CallExpr, loaded map[string]string) *Call {
	start, _ := e.Span()
	c := &Call{File: file, Line: start.Line, Callee: calleeName(e.X), args: map[string]build.Expr{}, loaded: loaded}
	head, rest, _ := strings.Cut(c.Callee, ".")
	if sym, ok := loaded[head]; ok {
		c.Symbol = sym
		if rest != "" {
			c.Symbol += "." + rest
		}
	}
	for _, a := range e.List {
		if as, ok := a.(*build.AssignExpr); ok {
			if id, ok := as.LHS.(*build.Ident); ok {
				c.args[id.Name] = as.RHS
				continue
			}
		}
		c.positional++
		if s, ok := a.(*build.StringExpr); ok {
			c.strs = append(c.strs, s.Value)
		}
	}
	return c
}

func calleeName(x build.Expr) string {
	switch e := x.(type) {
	case *build.Ident:
		return e.Name
	case *build.DotExpr:
		if h := calleeName(e.X); h != "" {
			return h + "." + e.Name
		}
	}
	return ""
}

// Where is "file:line" for messages.
func (c *Call) Where() string { return fmt.Sprintf("%s:%d", c.File, c.Line) }

func (c *Call) errorf(attr string, e build.Expr, format string, args ...any) error {
	line := c.Line
	if e != nil {
		start, _ := e.Span()
		line = start.Line
	}
	return fmt.Errorf("%s:%d: %s(%s = ...): %s", c.File, line, c.Callee, attr, fmt.Sprintf(format, args...))
}

// Positional is the number of positional arguments; our declarations take keywords only.
func (c *Call) Positional() int { return c.positional }

func (c *Call) positionalStrings() []string { return c.strs }

// Has reports whether the keyword argument is given.
func (c *Call) Has(attr string) bool { _, ok := c.args[attr]; return ok }

// Attrs lists the keyword arguments given, for rejecting unknown ones.
func (c *Call) Attrs() []string {
	out := make([]string, 0, len(c.args))
	for k := range c.args {
		out = append(out, k)
	}
	return out
}

// String decodes a string literal (adjacent literals joined with + are accepted).
func (c *Call) String(attr string) (string, bool, error) {
	e, ok := c.args[attr]
	if !ok || isNone(e) {
		return "", false, nil
	}
	s, err := stringValue(e)
	if err != nil {
		return "", true, c.errorf(attr, e, "%v", err)
	}
	return s, true, nil
}

// Bool decodes True or False.
func (c *Call) Bool(attr string) (bool, bool, error) {
	e, ok := c.args[attr]
	if !ok {
		return false, false, nil
	}
	if id, ok := e.(*build.Ident); ok && (id.Name == "True" || id.Name == "False") {
		return id.Name == "True", true, nil
	}
	return false, true, c.errorf(attr, e, "want True or False, got %s", build.FormatString(e))
}

// Int decodes an integer literal.
func (c *Call) Int(attr string) (int64, bool, error) {
	e, ok := c.args[attr]
	if !ok {
		return 0, false, nil
	}
	if lit, ok := e.(*build.LiteralExpr); ok {
		if n, err := strconv.ParseInt(lit.Token, 0, 64); err == nil {
			return n, true, nil
		}
	}
	return 0, true, c.errorf(attr, e, "want an integer, got %s", build.FormatString(e))
}

// StringList decodes a list of string literals.
func (c *Call) StringList(attr string) ([]string, bool, error) {
	e, ok := c.args[attr]
	if !ok {
		return nil, false, nil
	}
	l, ok := e.(*build.ListExpr)
	if !ok {
		return nil, true, c.errorf(attr, e, "want a list of strings, got %s", build.FormatString(e))
	}
	out := make([]string, 0, len(l.List))
	for _, x := range l.List {
		s, err := stringValue(x)
		if err != nil {
			return nil, true, c.errorf(attr, x, "%v", err)
		}
		out = append(out, s)
	}
	return out, true, nil
}

// CallList decodes a list whose elements are calls, such as override.pin(...).
func (c *Call) CallList(attr string) ([]*Call, bool, error) {
	e, ok := c.args[attr]
	if !ok {
		return nil, false, nil
	}
	l, ok := e.(*build.ListExpr)
	if !ok {
		return nil, true, c.errorf(attr, e, "want a list, got %s", build.FormatString(e))
	}
	out := make([]*Call, 0, len(l.List))
	for _, x := range l.List {
		ce, ok := x.(*build.CallExpr)
		if !ok {
			return nil, true, c.errorf(attr, x, "want a call such as override.pin(...), got %s", build.FormatString(x))
		}
		out = append(out, newCall(c.File, ce, c.loaded))
	}
	return out, true, nil
}

// Call decodes an argument that is a call, such as scan.policy(...).
func (c *Call) Call(attr string) (*Call, bool, error) {
	e, ok := c.args[attr]
	if !ok || isNone(e) {
		return nil, false, nil
	}
	ce, ok := e.(*build.CallExpr)
	if !ok {
		return nil, true, c.errorf(attr, e, "want a call such as scan.policy(...), got %s", build.FormatString(e))
	}
	return newCall(c.File, ce, c.loaded), true, nil
}

func isNone(e build.Expr) bool {
	id, ok := e.(*build.Ident)
	return ok && id.Name == "None"
}

func stringValue(e build.Expr) (string, error) {
	switch x := e.(type) {
	case *build.StringExpr:
		return x.Value, nil
	case *build.BinaryExpr:
		if x.Op == "+" {
			l, err := stringValue(x.X)
			if err != nil {
				return "", err
			}
			r, err := stringValue(x.Y)
			if err != nil {
				return "", err
			}
			return l + r, nil
		}
	}
	return "", fmt.Errorf("want a string literal, got %s", build.FormatString(e))
}
