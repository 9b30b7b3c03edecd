package decl

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/citadel-build/citadel/internal/workspace"
)

func TestLoadRepositoryImages(t *testing.T) {
	ws := repoWorkspace(t)
	for _, tc := range []struct {
		label, release, root, lock string
	}{
		{"//images/horizon:2023.1", "//releases/2023.1", "horizon", "images/horizon/2023.1.lock.json"},
		{"//images/horizon:2024.1", "//releases/2024.1", "horizon", "images/horizon/2024.1.lock.json"},
		{"//images/keystone:2023.1", "//releases/2023.1", "keystone[memcache]==23.0.2", "images/keystone/2023.1.lock.json"},
		{"//images/keystone:2024.1", "//releases/2024.1", "keystone[memcache]==25.0.0", "images/keystone/2024.1.lock.json"},
	} {
		l, err := workspace.ParseLabel(tc.label, "")
		if err != nil {
			t.Fatal(err)
		}
		img, err := LoadImage(context.Background(), ws, l)
		if err != nil {
			t.Fatalf("%s: %v", tc.label, err)
		}
		if img.Release.Label.String() != tc.release || !slices.Contains(img.Packages, tc.root) || img.LockFile != tc.lock || img.UID != 42424 || img.GID != 42424 {
			t.Errorf("%s = %+v", tc.label, img)
		}
		if _, err := os.Stat(ws.Path(img.LockFile)); err != nil {
			t.Errorf("%s: committed lock: %v", tc.label, err)
		}
	}
}

func TestLoadImageErrors(t *testing.T) {
	release := `load("//tools:defs.bzl", "openstack_release")
openstack_release(name = "r", constraints = "@uc//file", python_version = "3.11.2", platform = "manylinux_2_36_x86_64")`
	for _, tc := range []struct {
		name, build string
		want        []string
	}{
		{"root uid and missing lock", `load("//tools:defs.bzl", "openstack_image")
openstack_image(name = "r", release = "//r", packages = ["a"], user = "a", uid = 0, gid = 1)`, []string{"missing lock", "uid = 0: want a non-root id"}},
		{"bad root requirement", `load("//tools:defs.bzl", "openstack_image")
openstack_image(name = "r", release = "//r", packages = ["a b"], lock = "r.lock.json", user = "a", uid = 1, gid = "x")`, []string{`packages: "a b"`, "gid = ...): want an integer"}},
		{"no packages, lock elsewhere", `load("//tools:defs.bzl", "openstack_image")
openstack_image(name = "r", release = "//r", packages = [], lock = "//x:y.json", user = "a", uid = 1, gid = 1)`, []string{"want at least one root", `lock "//x:y.json"`}},
		{"release is not a release", `load("//tools:defs.bzl", "openstack_image")
openstack_image(name = "r", release = ":r", packages = ["a"], lock = "r.lock.json", user = "a", uid = 1, gid = 1)`, []string{"not an openstack_release"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for name, content := range map[string]string{"MODULE.bazel": module, "r/BUILD.bazel": release, "img/BUILD.bazel": tc.build} {
				os.MkdirAll(filepath.Dir(filepath.Join(root, name)), 0o755)
				if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			ws, err := workspace.Open(root)
			if err != nil {
				t.Fatal(err)
			}
			_, err = LoadImage(context.Background(), ws, workspace.Label{Pkg: "img", Name: "r"})
			if err == nil {
				t.Fatal("no error")
			}
			for _, s := range tc.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error does not mention %q:\n%v", s, err)
				}
			}
		})
	}
}
