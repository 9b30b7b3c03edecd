package workspace

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseLabel(t *testing.T) {
	for _, tc := range []struct {
		in, pkg string
		want    Label
		str     string
	}{
		{"//releases/2023.1", "", Label{"releases/2023.1", "2023.1"}, "//releases/2023.1"},
		{"//releases/2023.1:2023.1", "", Label{"releases/2023.1", "2023.1"}, "//releases/2023.1"},
		{"//images/horizon:2024.1", "", Label{"images/horizon", "2024.1"}, "//images/horizon:2024.1"},
		{"@//images/horizon:2024.1", "", Label{"images/horizon", "2024.1"}, "//images/horizon:2024.1"},
		{"@@//images/horizon:2024.1", "", Label{"images/horizon", "2024.1"}, "//images/horizon:2024.1"},
		{":2024.1", "images/horizon", Label{"images/horizon", "2024.1"}, "//images/horizon:2024.1"},
		{"//:gazelle", "", Label{"", "gazelle"}, "//:gazelle"},
	} {
		got, err := ParseLabel(tc.in, tc.pkg)
		if err != nil {
			t.Errorf("ParseLabel(%q): %v", tc.in, err)
			continue
		}
		if got != tc.want || got.String() != tc.str {
			t.Errorf("ParseLabel(%q) = %+v (%s), want %+v (%s)", tc.in, got, got, tc.want, tc.str)
		}
	}
	for _, bad := range []string{"releases/2023.1", "@repo//file", "//a/../b", "//a:", "///a", "//a:b:c", ""} {
		if l, err := ParseLabel(bad, ""); err == nil {
			t.Errorf("ParseLabel(%q) = %+v, want an error", bad, l)
		}
	}
}

func writeWorkspace(t *testing.T, files map[string]string) *Workspace {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ws, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

func TestTargetDecodesLiterals(t *testing.T) {
	ws := writeWorkspace(t, map[string]string{
		"MODULE.bazel": `http_file(name = "uc", urls = ["https://example.invalid/uc.txt"], sha256 = "ab" + "cd")`,
		"pkg/BUILD.bazel": `load("//tools:defs.bzl", "openstack_release", ov = "override")
openstack_release(
    name = "r",
    python_version = "3.11.2",
    flag = True,
    overrides = [ov.pin(package = "a"), ov.add(requirement = "b<1")],
    nums = [1],
)`,
	})
	ctx := context.Background()
	c, err := ws.Target(ctx, Label{"pkg", "r"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Symbol != "//tools:defs.bzl%openstack_release" || c.Where() != "pkg/BUILD.bazel:2" {
		t.Errorf("symbol %q at %s", c.Symbol, c.Where())
	}
	if s, ok, err := c.String("python_version"); s != "3.11.2" || !ok || err != nil {
		t.Errorf("python_version = %q %v %v", s, ok, err)
	}
	if b, ok, err := c.Bool("flag"); !b || !ok || err != nil {
		t.Errorf("flag = %v %v %v", b, ok, err)
	}
	calls, _, err := c.CallList("overrides")
	if err != nil || len(calls) != 2 || calls[0].Symbol != "//tools:defs.bzl%override.pin" || calls[1].Symbol != "//tools:defs.bzl%override.add" {
		t.Errorf("overrides = %+v, %v", calls, err)
	}
	if _, _, err := c.StringList("nums"); err == nil || !strings.Contains(err.Error(), "pkg/BUILD.bazel:7") {
		t.Errorf("StringList(nums) error = %v, want one naming pkg/BUILD.bazel:7", err)
	}
	repo, err := ws.Repo(ctx, "uc")
	if err != nil {
		t.Fatal(err)
	}
	if s, _, _ := repo.String("sha256"); s != "abcd" {
		t.Errorf("sha256 = %q", s)
	}
	if _, err := ws.Target(ctx, Label{"pkg", "missing"}); err == nil || !strings.Contains(err.Error(), `no target named "missing"`) {
		t.Errorf("missing target: %v", err)
	}
	if _, err := ws.Target(ctx, Label{"nopkg", "x"}); err == nil || !strings.Contains(err.Error(), "no BUILD.bazel") {
		t.Errorf("missing package: %v", err)
	}
}

func TestFindWalksUp(t *testing.T) {
	ws := writeWorkspace(t, map[string]string{"MODULE.bazel": "", "a/b/c/.keep": ""})
	got, err := Find(filepath.Join(ws.Root, "a", "b", "c"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Root != ws.Root {
		t.Errorf("root = %s, want %s", got.Root, ws.Root)
	}
	if _, err := Find(t.TempDir()); err == nil {
		t.Error("Find outside a workspace succeeded")
	}
}

// The repository's own Bazel files must resolve: no Bazel runs here, so this is their check.
func TestRepositoryLabelsResolve(t *testing.T) {
	root, err := Find(".")
	if err != nil {
		t.Fatal(err)
	}
	if err := root.CheckLabels(context.Background()); err != nil {
		t.Error(err)
	}
}

func TestCheckLabelsReportsDanglingLabels(t *testing.T) {
	ws := writeWorkspace(t, map[string]string{
		"MODULE.bazel":      `bazel_dep(name = "rules_go", version = "0.59.0")`,
		"tools/defs.bzl":    ``,
		"tools/BUILD.bazel": `exports_files(["defs.bzl"])`,
		"a/BUILD.bazel": `load("//tools:defs.bzl", "x")
load("//tools:missing.bzl", "y")
load("@rules_go//go:def.bzl", "go_library")
load("@nope//:def.bzl", "z")
go_library(name = "a", deps = ["//tools:defs.bzl", "//b", "//tools:ghost"], visibility = ["//visibility:public"])`,
	})
	err := ws.CheckLabels(context.Background())
	if err == nil {
		t.Fatal("no error")
	}
	for _, s := range []string{`a/BUILD.bazel:2: load("//tools:missing.bzl")`, "@nope is not declared", `label "//b"`, `label "//tools:ghost"`} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error does not mention %s:\n%v", s, err)
		}
	}
	if strings.Contains(err.Error(), "visibility") || strings.Contains(err.Error(), "defs.bzl\": ") {
		t.Errorf("false positive:\n%v", err)
	}
}

func TestGitRevision(t *testing.T) {
	const rev = "0123456789abcdef0123456789abcdef01234567"
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"loose ref", map[string]string{".git/HEAD": "ref: refs/heads/main\n", ".git/refs/heads/main": rev + "\n"}, rev},
		{"packed ref", map[string]string{".git/HEAD": "ref: refs/heads/main\n", ".git/packed-refs": "# pack-refs with: peeled\n" + rev + " refs/heads/main\n"}, rev},
		{"detached", map[string]string{".git/HEAD": rev + "\n"}, rev},
		{"worktree", map[string]string{".git": "gitdir: wt\n", "wt/HEAD": "ref: refs/heads/x\n", "wt/commondir": "../common\n", "common/refs/heads/x": rev}, rev},
		{"no commit yet", map[string]string{".git/HEAD": "ref: refs/heads/main\n"}, ""},
		{"garbage", map[string]string{".git/HEAD": "not a hash\n"}, ""},
		{"not a checkout", map[string]string{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for name, body := range tc.files {
				p := filepath.Join(root, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if got := (&Workspace{Root: root}).GitRevision(); got != tc.want {
				t.Errorf("GitRevision() = %q, want %q", got, tc.want)
			}
		})
	}
}
