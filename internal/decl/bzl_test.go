package decl

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/bazelbuild/buildtools/build"

	"github.com/citadel-build/citadel/internal/constraints"
)

// The Starlark override functions and the Go decoder read one schema: the parameters of
// override.pin/remove/add must be the keyword arguments Load accepts, and the keys they
// JSON-encode must be fields of constraints.Override.
func TestStarlarkOverridesMatchGoSchema(t *testing.T) {
	path := repoWorkspace(t).Path("tools/private/release.bzl")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := build.ParseBzl(path, data)
	if err != nil {
		t.Fatal(err)
	}
	jsonFields := map[string]bool{}
	rt := reflect.TypeFor[constraints.Override]()
	for i := range rt.NumField() {
		if name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ","); name != "-" {
			jsonFields[name] = true
		}
	}
	want := map[string][]string{}
	for name, kind := range overrideKinds {
		want["_"+strings.TrimPrefix(name, "override.")] = kind.args
	}
	for _, stmt := range f.Stmt {
		def, ok := stmt.(*build.DefStmt)
		if !ok || want[def.Name] == nil {
			continue
		}
		var params []string
		for _, p := range def.Params {
			switch p := p.(type) {
			case *build.Ident:
				params = append(params, p.Name)
			case *build.AssignExpr:
				params = append(params, p.LHS.(*build.Ident).Name)
			}
		}
		if !slices.Equal(params, want[def.Name]) {
			t.Errorf("%s(%v), want parameters %v", def.Name, params, want[def.Name])
		}
		build.Walk(def, func(x build.Expr, _ []build.Expr) {
			if kv, ok := x.(*build.KeyValueExpr); ok {
				key := kv.Key.(*build.StringExpr).Value
				if !jsonFields[key] {
					t.Errorf("%s encodes key %q, which constraints.Override does not have", def.Name, key)
				}
			}
		})
		delete(want, def.Name)
	}
	if len(want) != 0 {
		t.Errorf("functions not found in %s: %v", path, want)
	}
}
