package audit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citadel-build/citadel/internal/constraints"
	"github.com/citadel-build/citadel/internal/osv"
	"github.com/citadel-build/citadel/internal/testutil"
)

// The real 2023.1 upstream constraints against the fixture: the audit finds the pins the seed
// pipeline's sed lines bump, and proposes for each the lowest version fixing all its advisories.
// Where the fixture has advisories published after the seed's bumps (Django CVE-2024-27351,
// urllib3 CVE-2024-37891), the proposal is that newer fix, and the seed's override is reported
// as not enough. pyOpenSSL is not proposed: no advisory affects 22.1.0; the seed bumps it to
// 23.2.0 only because pyOpenSSL 22.1.0 requires cryptography<39, which the lock would refuse.
func TestAudit2023_1(t *testing.T) {
	db, err := osv.Load(filepath.Join(testutil.RepoRoot(t), "testdata", "osv"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(testutil.UpperConstraints(t, "2023.1"))
	if err != nil {
		t.Fatal(err)
	}
	upstream, err := constraints.Parse("2023.1 upper-constraints.txt", data)
	if err != nil {
		t.Fatal(err)
	}
	seed := []constraints.Override{
		{Op: constraints.OpPin, Package: "cryptography", Expect: "38.0.2", Version: "41.0.4"},
		{Op: constraints.OpPin, Package: "Django", Expect: "3.2.16", Version: "3.2.22"},
		{Op: constraints.OpPin, Package: "pyOpenSSL", Expect: "22.1.0", Version: "23.2.0"},
		{Op: constraints.OpPin, Package: "requests", Expect: "2.28.1", Version: "2.31.0"},
		{Op: constraints.OpPin, Package: "sqlparse", Expect: "0.4.3", Version: "0.4.4"},
		{Op: constraints.OpPin, Package: "urllib3", Expect: "1.26.12", Version: "1.26.18"},
	}
	for _, tc := range []struct {
		name      string
		overrides []constraints.Override
		want      map[string]string // package -> "pin>version covered"
	}{
		{"unpatched", nil, map[string]string{
			"cryptography": "38.0.2>41.0.4 false", "Django": "3.2.16>3.2.25 false", "requests": "2.28.1>2.31.0 false",
			"sqlparse": "0.4.3>0.4.4 false", "urllib3": "1.26.12>1.26.19 false", "Jinja2": "3.1.2>3.1.4 false", "idna": "3.4>3.7 false",
		}},
		{"with the seed's overrides", seed, map[string]string{
			"cryptography": "38.0.2>41.0.4 true", "Django": "3.2.16>3.2.25 false", "requests": "2.28.1>2.31.0 true",
			"sqlparse": "0.4.3>0.4.4 true", "urllib3": "1.26.12>1.26.19 false", "Jinja2": "3.1.2>3.1.4 false", "idna": "3.4>3.7 false",
		}},
	} {
		props, err := Audit(db, upstream, tc.overrides)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, p := range props {
			got[p.Package] = p.Pin + ">" + p.Version + " " + map[bool]string{true: "true", false: "false"}[p.Covered]
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("%s: %s = %q, want %q", tc.name, k, got[k], v)
			}
		}
		starlark := Starlark(props)
		for _, want := range []string{
			`override.pin(
    advisories = ["CVE-2023-23969", "CVE-2023-24580", "CVE-2023-31047", "CVE-2023-36053", "CVE-2023-41164", "CVE-2023-43665", "CVE-2024-27351"],
    expect = "3.2.16",
    package = "Django",`,
			`    version = "3.2.25",`,
			"# Django 3.2.16 (line 434): CVE-2023-23969 (HIGH, fixed in 3.2.17);",
		} {
			if !strings.Contains(starlark, want) {
				t.Errorf("%s: the proposed overrides lack %q:\n%s", tc.name, want, starlark)
			}
		}
		if tc.overrides != nil && (strings.Contains(starlark, `package = "sqlparse"`) || !strings.Contains(starlark, "# replaces the override to 1.26.18")) {
			t.Errorf("%s: covered pins proposed, or the short override not named:\n%s", tc.name, starlark)
		}
	}
}

// A database without PyPI entries cannot audit: its positive control fails.
func TestAuditNeedsPyPIDatabase(t *testing.T) {
	db, err := osv.Load(filepath.Join(testutil.RepoRoot(t), "testdata", "osv", "Debian"))
	if err != nil {
		t.Fatal(err)
	}
	upstream, err := constraints.Parse("uc", []byte("urllib3===1.26.12\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Audit(db, upstream, nil); err == nil || !strings.Contains(err.Error(), "urllib3 1.26.12 must match CVE-2023-43804") {
		t.Fatalf("err = %v", err)
	}
}
