package decl

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/citadel-build/citadel/internal/constraints"
	"github.com/citadel-build/citadel/internal/scan"
	"github.com/citadel-build/citadel/internal/workspace"
)

func repoWorkspace(t *testing.T) *workspace.Workspace {
	t.Helper()
	ws, err := workspace.Find(".")
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

func TestLoadRepositoryReleases(t *testing.T) {
	ws := repoWorkspace(t)
	for _, tc := range []struct {
		label, python, platform, sha string
		overrides                    int
	}{
		{"//releases/2023.1", "3.10.12", "manylinux_2_35_x86_64", "14ee0f7a18e7801422bbc3c822e68b022ca1da00786ddba663cab1925733db7c", 6},
		{"//releases/2023.2", "3.10.12", "manylinux_2_35_x86_64", "f561e64c0e9a0bebde0c8b44bba2eb6617ac41b70aec2cecbbbe93d29b180bf6", 5},
		{"//releases/2024.1", "3.11.2", "manylinux_2_36_x86_64", "f180e39bbbd2325be573d9668c5cbb5ee5a7389d9dbb7f714ffa676123225cd7", 4},
	} {
		l, err := workspace.ParseLabel(tc.label, "")
		if err != nil {
			t.Fatal(err)
		}
		r, err := LoadRelease(context.Background(), ws, l)
		if err != nil {
			t.Fatalf("%s: %v", tc.label, err)
		}
		if r.PythonVersion != tc.python || r.Platform != tc.platform || r.Constraints.SHA256 != tc.sha || len(r.Overrides) != tc.overrides {
			t.Errorf("%s = python %s platform %s sha %s, %d overrides", tc.label, r.PythonVersion, r.Platform, r.Constraints.SHA256, len(r.Overrides))
		}
		if !strings.HasPrefix(r.Constraints.URL, "https://opendev.org/openstack/requirements/raw/commit/") {
			t.Errorf("%s: url %s is not an OpenDev commit URL", tc.label, r.Constraints.URL)
		}
		for _, o := range r.Overrides {
			if o.Reason == "" || !strings.HasPrefix(o.Where, "releases/") {
				t.Errorf("%s: override %+v lacks a reason or position", tc.label, o)
			}
		}
	}
}

// A release's scan.policy decodes into the gate's policy, waivers with their declaration; a
// release without one gets the default.
func TestLoadScanPolicy(t *testing.T) {
	root := t.TempDir()
	build := `load("//tools:defs.bzl", "openstack_release", "scan")
openstack_release(name = "r", constraints = "@uc//file", python_version = "3.11.2", platform = "manylinux_2_36_x86_64",
    scan_policy = scan.policy(
        severity = "MEDIUM",
        ignore_unfixed = True,
        waivers = [scan.waiver(id = "CVE-2005-2541", package = "tar", justification = "only trusted archives", expires = "2027-03-31",
            owner = "security@example.org", vex_justification = "vulnerable_code_not_in_execute_path")],
    ))
openstack_release(name = "plain", constraints = "@uc//file", python_version = "3.11.2", platform = "manylinux_2_36_x86_64")
`
	for name, content := range map[string]string{"MODULE.bazel": module, "r/BUILD.bazel": build} {
		os.MkdirAll(filepath.Dir(filepath.Join(root, name)), 0o755)
		if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ws, err := workspace.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	r, err := LoadRelease(context.Background(), ws, workspace.Label{Pkg: "r", Name: "r"})
	if err != nil {
		t.Fatal(err)
	}
	want := scan.Policy{Severity: scan.Medium, IgnoreUnfixed: true, Waivers: []scan.Waiver{{ID: "CVE-2005-2541", Package: "tar", Justification: "only trusted archives",
		Expires: "2027-03-31", Owner: "security@example.org", VEXJustification: "vulnerable_code_not_in_execute_path", Where: "r/BUILD.bazel:6"}}}
	if !reflect.DeepEqual(r.Policy, want) {
		t.Errorf("policy %+v, want %+v", r.Policy, want)
	}
	plain, err := LoadRelease(context.Background(), ws, workspace.Label{Pkg: "r", Name: "plain"})
	if err != nil || !reflect.DeepEqual(plain.Policy, DefaultPolicy) {
		t.Errorf("default policy %+v, %v", plain.Policy, err)
	}
}

// The 2023.1 declaration carries the seed's six bumps with the CVEs they fix.
func TestRelease2023_1CarriesSeedBumps(t *testing.T) {
	r, err := LoadRelease(context.Background(), repoWorkspace(t), workspace.Label{Pkg: "releases/2023.1", Name: "2023.1"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][3]string{
		"cryptography": {"38.0.2", "41.0.4", "CVE-2023-23931"},
		"Django":       {"3.2.16", "3.2.22", "CVE-2023-43665"},
		"pyOpenSSL":    {"22.1.0", "23.2.0", ""},
		"requests":     {"2.28.1", "2.31.0", "CVE-2023-32681"},
		"sqlparse":     {"0.4.3", "0.4.4", "CVE-2023-30608"},
		"urllib3":      {"1.26.12", "1.26.18", "CVE-2023-45803"},
	}
	for _, o := range r.Overrides {
		w, ok := want[o.Package]
		if !ok || o.Op != constraints.OpPin || o.Expect != w[0] || o.Version != w[1] {
			t.Errorf("unexpected override %+v", o)
			continue
		}
		if w[2] != "" && !strings.Contains(strings.Join(o.Advisories, " "), w[2]) {
			t.Errorf("%s: advisories %v lack %s", o.Package, o.Advisories, w[2])
		}
		delete(want, o.Package)
	}
	if len(want) != 0 {
		t.Errorf("missing overrides: %v", want)
	}
}

const module = `http_file(name = "uc", urls = ["https://example.invalid/uc.txt"], sha256 = "14ee0f7a18e7801422bbc3c822e68b022ca1da00786ddba663cab1925733db7c")
http_archive(name = "arch", urls = ["https://example.invalid/a.tgz"], sha256 = "14ee0f7a18e7801422bbc3c822e68b022ca1da00786ddba663cab1925733db7c")
http_file(name = "badsha", urls = ["https://example.invalid/uc.txt"], sha256 = "XYZ")
`

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		name, build string
		want        []string
	}{
		{"not loaded from defs", `openstack_release(name = "r", constraints = "@uc//file", python_version = "3.11.2", platform = "manylinux_2_36_x86_64")`,
			[]string{"r/BUILD.bazel:1", "not an openstack_release loaded from //tools:defs.bzl"}},
		{"missing attrs", `load("//tools:defs.bzl", "openstack_release")
openstack_release(name = "r")`, []string{"missing constraints", "missing python_version", "missing platform"}},
		{"bad python and platform", `load("//tools:defs.bzl", "openstack_release")
openstack_release(name = "r", constraints = "@uc//file", python_version = "3.11", platform = "linux_x86_64")`,
			[]string{`python_version "3.11"`, `platform "linux_x86_64"`}},
		{"unknown attribute", `load("//tools:defs.bzl", "openstack_release")
openstack_release(name = "r", constraints = "@uc//file", python_version = "3.11.2", platform = "manylinux_2_36_x86_64", pyhton = "3")`,
			[]string{"unknown argument(s) pyhton"}},
		{"constraints not an http_file", `load("//tools:defs.bzl", "openstack_release")
openstack_release(name = "r", constraints = "@arch//file", python_version = "3.11.2", platform = "manylinux_2_36_x86_64")`,
			[]string{"arch is a http_archive, want an http_file"}},
		{"constraints repo unknown", `load("//tools:defs.bzl", "openstack_release")
openstack_release(name = "r", constraints = "@nope//file", python_version = "3.11.2", platform = "manylinux_2_36_x86_64")`,
			[]string{`no repository named "nope"`}},
		{"constraints a path", `load("//tools:defs.bzl", "openstack_release")
openstack_release(name = "r", constraints = "uc.txt", python_version = "3.11.2", platform = "manylinux_2_36_x86_64")`,
			[]string{`constraints "uc.txt": want the label of an http_file`}},
		{"bad sha", `load("//tools:defs.bzl", "openstack_release")
openstack_release(name = "r", constraints = "@badsha//file", python_version = "3.11.2", platform = "manylinux_2_36_x86_64")`,
			[]string{`sha256 "XYZ"`}},
		{"override not from defs", `load("//tools:defs.bzl", "openstack_release")
openstack_release(name = "r", constraints = "@uc//file", python_version = "3.11.2", platform = "manylinux_2_36_x86_64",
    overrides = [pin(package = "a", expect = "1", version = "2", reason = "r")])`,
			[]string{"r/BUILD.bazel:3", "want override.pin, override.remove or override.add"}},
		{"override with unknown and positional args", `load("//tools:defs.bzl", "openstack_release", "override")
openstack_release(name = "r", constraints = "@uc//file", python_version = "3.11.2", platform = "manylinux_2_36_x86_64",
    overrides = [override.pin("a", expect = "1", version = "2", reason = "r"), override.add(requirement = "x<1", reason = "r", package = "x")])`,
			[]string{"override.pin: 1 positional argument(s)", "override.add: unknown argument(s) package"}},
		{"override with wrong types", `load("//tools:defs.bzl", "openstack_release", "override")
openstack_release(name = "r", constraints = "@uc//file", python_version = "3.11.2", platform = "manylinux_2_36_x86_64",
    overrides = [override.pin(package = "a", expect = 1, version = "2", reason = "r", advisories = "CVE-1", downgrade = "yes")])`,
			[]string{"expect = ...): want a string literal, got 1", "advisories = ...): want a list of strings", "downgrade = ...): want True or False"}},
		{"policy not from defs", `load("//tools:defs.bzl", "openstack_release")
openstack_release(name = "r", constraints = "@uc//file", python_version = "3.11.2", platform = "manylinux_2_36_x86_64", scan_policy = policy())`,
			[]string{"want scan.policy loaded from //tools:defs.bzl"}},
		{"policy with bad severity and waivers", `load("//tools:defs.bzl", "openstack_release", "scan")
openstack_release(name = "r", constraints = "@uc//file", python_version = "3.11.2", platform = "manylinux_2_36_x86_64",
    scan_policy = scan.policy(severity = "SEVERE", ignore_unfixed = "yes", waivers = [
        scan.waiver(id = "CVE-1", package = "tar", justification = "j", owner = "o"),
        scan.waiver(id = "CVE-2", package = "tar", justification = "j", owner = "o", expires = "2027-01-01", until = "x"),
        scan.waiver(id = "CVE-3", package = "tar", justification = "j", owner = "o", expires = "31.12.2027"),
    ]))`,
			[]string{`severity "SEVERE"`, "ignore_unfixed = ...): want True or False", "r/BUILD.bazel:4: waiver CVE-1 of tar: missing expires",
				"scan.waiver: unknown argument(s) until", `r/BUILD.bazel:6: waiver CVE-3 of tar: expires "31.12.2027"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for name, content := range map[string]string{"MODULE.bazel": module, "r/BUILD.bazel": tc.build} {
				if err := os.MkdirAll(filepath.Dir(filepath.Join(root, name)), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			ws, err := workspace.Open(root)
			if err != nil {
				t.Fatal(err)
			}
			_, err = LoadRelease(context.Background(), ws, workspace.Label{Pkg: "r", Name: "r"})
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
