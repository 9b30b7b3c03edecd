package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/citadel-build/citadel/internal/constraints"
	"github.com/citadel-build/citadel/internal/decl"
	"github.com/citadel-build/citadel/internal/testutil"
	"github.com/citadel-build/citadel/internal/workspace"
)

// run executes citadel in-process with a private cache, as a user would from the shell.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := New()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(append([]string{"--workspace", testutil.RepoRoot(t), "--cache-dir", t.TempDir()}, args...))
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func TestPatch2023_1ChangesSixLines(t *testing.T) {
	dir := t.TempDir()
	out, report := filepath.Join(dir, "uc.txt"), filepath.Join(dir, "report.json")
	stdout, err := run(t, "constraints", "patch", "//releases/2023.1", "--distdir", testutil.SharedData(t), "--offline", "-o", out, "--report", report)
	if err != nil {
		t.Fatal(err)
	}
	if stdout != "" {
		t.Errorf("stdout with -o: %q", stdout)
	}
	upstream, err := os.ReadFile(testutil.UpperConstraints(t, "2023.1"))
	if err != nil {
		t.Fatal(err)
	}
	patched, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	a, b := strings.SplitAfter(string(upstream), "\n"), strings.SplitAfter(string(patched), "\n")
	if len(a) != len(b) || len(a) != 593 { // 592 lines and the empty tail after the last newline
		t.Fatalf("lines: upstream %d, patched %d", len(a), len(b))
	}
	changed := 0
	for i := range a {
		if a[i] != b[i] {
			changed++
		}
	}
	if changed != 6 {
		t.Errorf("%d lines changed, want 6", changed)
	}
	var rep constraints.Report
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Release != "//releases/2023.1" || len(rep.Changes) != 6 || rep.Upstream.SHA256 != "14ee0f7a18e7801422bbc3c822e68b022ca1da00786ddba663cab1925733db7c" {
		t.Errorf("report: %+v", rep)
	}
	stdout, err = run(t, "constraints", "patch", "//releases/2023.1", "--distdir", testutil.SharedData(t))
	if err != nil {
		t.Fatal(err)
	}
	if stdout != string(patched) {
		t.Error("stdout differs from -o output")
	}
}

func TestPatchWithOtherConstraintsFailsAndWritesNothing(t *testing.T) {
	dir := t.TempDir()
	out, report := filepath.Join(dir, "uc.txt"), filepath.Join(dir, "report.json")
	_, err := run(t, "constraints", "patch", "//releases/2023.1", "--constraints", testutil.UpperConstraints(t, "2023.2"), "-o", out, "--report", report)
	if err == nil {
		t.Fatal("no error")
	}
	if !strings.Contains(err.Error(), "pin cryptography") || !strings.Contains(err.Error(), "pins 40.0.2") {
		t.Errorf("error does not name cryptography and 40.0.2:\n%v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files left behind: %v", entries)
	}
}

func TestPatchOfflineWithoutCopyNamesTheWayOut(t *testing.T) {
	_, err := run(t, "constraints", "patch", "//releases/2024.1", "--offline")
	if err == nil || !strings.Contains(err.Error(), "--offline") || !strings.Contains(err.Error(), "--distdir") {
		t.Fatalf("err = %v", err)
	}
}

// The Bazel rule serialises the same overrides to JSON and passes explicit paths; both
// executors must produce the same bytes.
func TestHermeticInvocationMatchesLabelInvocation(t *testing.T) {
	ws, err := workspace.Open(testutil.RepoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"2023.1", "2023.2", "2024.1"} {
		r, err := decl.LoadRelease(context.Background(), ws, workspace.Label{Pkg: "releases/" + rel, Name: rel})
		if err != nil {
			t.Fatal(err)
		}
		overrides, err := json.Marshal(r.Overrides)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		ovPath := filepath.Join(dir, "overrides.json")
		if err := os.WriteFile(ovPath, overrides, 0o644); err != nil {
			t.Fatal(err)
		}
		hermetic, err := run(t, "constraints", "patch", "--release-name", rel, "--constraints", testutil.UpperConstraints(t, rel), "--overrides", ovPath)
		if err != nil {
			t.Fatalf("%s hermetic: %v", rel, err)
		}
		labelled, err := run(t, "constraints", "patch", "//releases/"+rel, "--distdir", testutil.SharedData(t), "--offline")
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		if hermetic != labelled {
			t.Errorf("%s: hermetic and labelled outputs differ", rel)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"constraints", "patch"},
		{"constraints", "patch", "releases/2023.1"},
		{"constraints", "patch", "--no-such-flag"},
		{"sbom", "--format", "spdx-json"},
		{"sbom", "--image", "x", "--format", "xml"},
		{"scan", "--format", "html"},
		{"scan", "--sbom", "x.json", "--image", "y"},
		{"scan", "--now", "tomorrow"},
		{"image", "--base", "oci:x", "--venv", "v", "-o", "o", "--user", "u", "--lock", "l.json"},
	} {
		_, err := run(t, args...)
		if ExitCode(err) != 2 {
			t.Errorf("%v: err = %v (exit %d), want a usage error (exit 2)", args, err, ExitCode(err))
		}
	}
}

// Every command documents itself: a short and a long description, an example for the commands
// that run stages, and a usage text for every flag.
func TestEveryCommandHasHelp(t *testing.T) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Short == "" {
			t.Errorf("%s: no short description", c.CommandPath())
		}
		if c.Runnable() && (c.Long == "" || c.Example == "") {
			t.Errorf("%s: no long description or example", c.CommandPath())
		}
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if f.Usage == "" {
				t.Errorf("%s --%s: no usage", c.CommandPath(), f.Name)
			}
		})
		for _, sub := range c.Commands() {
			if sub.Name() != "help" && sub.Name() != "completion" {
				walk(sub)
			}
		}
	}
	walk(New())
}

func TestHelpDescribesCommands(t *testing.T) {
	out, err := run(t, "--help")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "constraints") || !strings.Contains(out, "--cache-dir") {
		t.Errorf("root help:\n%s", out)
	}
	out, err = run(t, "constraints", "patch", "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"--distdir", "--offline", "--constraints", "--overrides", "--output", "--report", "byte-identical"} {
		if !strings.Contains(out, s) {
			t.Errorf("patch help lacks %s", s)
		}
	}
}
