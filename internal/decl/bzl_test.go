package decl

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/bazelbuild/buildtools/build"

	"github.com/citadel-build/citadel/internal/constraints"
	"github.com/citadel-build/citadel/internal/scan"
)

// The Starlark override functions and the Go decoder read one schema: the parameters of
// override.pin/remove/add must be the keyword arguments Load accepts, and the keys they
// JSON-encode must be fields of constraints.Override.
func TestStarlarkOverridesMatchGoSchema(t *testing.T) {
	want := map[string][]string{}
	for name, kind := range overrideKinds {
		want["_"+strings.TrimPrefix(name, "override.")] = kind.args
	}
	checkStarlarkFunctions(t, "tools/private/release.bzl", want, reflect.TypeFor[constraints.Override]())
}

// scan.policy and scan.waiver take exactly the arguments the Go decoder accepts, and encode the
// JSON keys scan.ParsePolicy reads.
func TestStarlarkScanPolicyMatchesGo(t *testing.T) {
	checkStarlarkFunctions(t, "tools/private/scan.bzl", map[string][]string{"_policy": policyArgs, "_waiver": waiverArgs},
		reflect.TypeFor[scan.Policy](), reflect.TypeFor[scan.Waiver]())
}

// checkStarlarkFunctions checks that each function of want in the .bzl file takes exactly its
// parameters, in order, and JSON-encodes only keys that are fields of the Go types.
func checkStarlarkFunctions(t *testing.T, file string, want map[string][]string, types ...reflect.Type) {
	t.Helper()
	path := repoWorkspace(t).Path(file)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := build.ParseBzl(path, data)
	if err != nil {
		t.Fatal(err)
	}
	jsonFields := map[string]bool{}
	for _, rt := range types {
		for i := range rt.NumField() {
			if name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ","); name != "-" {
				jsonFields[name] = true
			}
		}
	}
	for _, stmt := range f.Stmt {
		def, ok := stmt.(*build.DefStmt)
		if !ok || want[def.Name] == nil {
			continue
		}
		if params := defParams(def); !slices.Equal(params, want[def.Name]) {
			t.Errorf("%s(%v), want parameters %v", def.Name, params, want[def.Name])
		}
		build.Walk(def, func(x build.Expr, _ []build.Expr) {
			if kv, ok := x.(*build.KeyValueExpr); ok {
				if key := kv.Key.(*build.StringExpr).Value; !jsonFields[key] {
					t.Errorf("%s encodes key %q, which %v do not have", def.Name, key, types)
				}
			}
		})
		delete(want, def.Name)
	}
	if len(want) != 0 {
		t.Errorf("functions not found in %s: %v", path, want)
	}
}

// defParams are the names of a Starlark function's parameters, in order.
func defParams(def *build.DefStmt) []string {
	var params []string
	for _, p := range def.Params {
		switch p := p.(type) {
		case *build.Ident:
			params = append(params, p.Name)
		case *build.AssignExpr:
			params = append(params, p.LHS.(*build.Ident).Name)
		}
	}
	return params
}

// The arguments the Go decoder accepts are exactly those the Starlark rules take, so a BUILD
// file citadel build reads is one Bazel accepts too (and the other way round).
func TestStarlarkRulesMatchGoAttributes(t *testing.T) {
	ws := repoWorkspace(t)
	common := []string{"name", "visibility", "tags"}
	for _, tc := range []struct {
		file, def string // the rule or macro users call
		macro     bool
		goAttrs   []string
	}{
		{"tools/private/release.bzl", "openstack_release", false, releaseAttrs},
		{"tools/private/image.bzl", "openstack_image", true, imageAttrs},
	} {
		data, err := os.ReadFile(ws.Path(tc.file))
		if err != nil {
			t.Fatal(err)
		}
		f, err := build.ParseBzl(tc.file, data)
		if err != nil {
			t.Fatal(err)
		}
		var starlark []string
		for _, stmt := range f.Stmt {
			switch s := stmt.(type) {
			case *build.DefStmt:
				if !tc.macro || s.Name != tc.def {
					continue
				}
				starlark = append(defParams(s), "visibility", "tags") // through **kwargs
			case *build.AssignExpr:
				lhs, ok := s.LHS.(*build.Ident)
				call, isCall := s.RHS.(*build.CallExpr)
				if tc.macro || !ok || lhs.Name != tc.def || !isCall {
					continue
				}
				for _, arg := range call.List {
					kw, ok := arg.(*build.AssignExpr)
					if !ok || kw.LHS.(*build.Ident).Name != "attrs" {
						continue
					}
					for _, kv := range kw.RHS.(*build.DictExpr).List {
						if key := kv.Key.(*build.StringExpr).Value; !strings.HasPrefix(key, "_") {
							starlark = append(starlark, key)
						}
					}
				}
				starlark = append(starlark, common...)
			}
		}
		slices.Sort(starlark)
		goAttrs := slices.Sorted(slices.Values(tc.goAttrs))
		if !slices.Equal(starlark, goAttrs) {
			t.Errorf("%s %s takes %v; the Go decoder accepts %v", tc.file, tc.def, starlark, goAttrs)
		}
	}
}
