package scan

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/citadel-build/citadel/internal/osv"
	"github.com/citadel-build/citadel/internal/sbom"
	"github.com/citadel-build/citadel/internal/testutil"
)

func fixtureDB(t *testing.T) *osv.DB {
	t.Helper()
	db, err := osv.Load(filepath.Join(testutil.RepoRoot(t), "testdata", "osv"))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func pypi(name, version string) sbom.Package {
	return sbom.Package{Ref: name, Type: sbom.TypePyPI, Name: name, Version: version, Purl: "pkg:pypi/" + name + "@" + version}
}

func deb(name, version, source, release string) sbom.Package {
	return sbom.Package{Ref: name, Type: sbom.TypeDeb, Name: name, Version: version, Source: source, SourceVersion: version, Release: release, Arch: "amd64",
		Purl: "pkg:deb/debian/" + name + "@" + version + "?arch=amd64&distro=debian-" + release}
}

func ids(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Package+":"+f.ID+">"+f.FixedIn)
	}
	return out
}

// The six 2023.1 pins the seed's sed lines bump, and two 2024.1 ones, against the fixture: each
// finds exactly its real advisories, merged by alias, with the version that fixes it.
func TestMatchFixture(t *testing.T) {
	db := fixtureDB(t)
	for _, tc := range []struct {
		pkg  sbom.Package
		want []string
	}{
		{pypi("urllib3", "1.26.12"), []string{"urllib3:CVE-2023-43804>1.26.17", "urllib3:CVE-2023-45803>1.26.18", "urllib3:CVE-2024-37891>1.26.19"}},
		{pypi("urllib3", "1.26.19"), nil},
		{pypi("requests", "2.28.1"), []string{"requests:CVE-2023-32681>2.31.0"}},
		{pypi("sqlparse", "0.4.3"), []string{"sqlparse:CVE-2023-30608>0.4.4"}},
		{pypi("pyopenssl", "22.1.0"), nil},
		{pypi("cryptography", "38.0.2"), []string{"cryptography:CVE-2023-0286>39.0.1", "cryptography:CVE-2023-23931>39.0.1",
			"cryptography:GHSA-39hc-v87j-747x>38.0.3", "cryptography:GHSA-5cpq-8wj7-hf2v>41.0.0", "cryptography:GHSA-jm77-qphf-c4w8>41.0.3", "cryptography:GHSA-v8gr-m533-ghj9>41.0.4"}},
		{pypi("cryptography", "41.0.4"), nil},
		{pypi("Django", "3.2.16"), []string{"django:CVE-2023-23969>3.2.17", "django:CVE-2023-24580>3.2.18", "django:CVE-2023-31047>3.2.19",
			"django:CVE-2023-36053>3.2.20", "django:CVE-2023-41164>3.2.21", "django:CVE-2023-43665>3.2.22", "django:CVE-2024-27351>3.2.25"}},
		{pypi("Django", "4.2.10"), []string{"django:CVE-2024-27351>4.2.11"}},
		{pypi("Django", "4.2.11"), nil},
		{pypi("certifi", "2024.2.2"), []string{"certifi:CVE-2024-39689>2024.07.4"}},
		{pypi("certifi", "2024.7.4"), nil},
		{deb("libc6", "2.36-9+deb12u2", "glibc", "12"), []string{"libc6:CVE-2010-4756>", "libc6:CVE-2023-4911>2.36-9+deb12u3", "libc6:CVE-2023-6246>2.36-9+deb12u4"}},
		{deb("libc6", "2.36-9+deb12u14", "glibc", "12"), []string{"libc6:CVE-2010-4756>"}},
		{deb("libc6", "2.41-12", "glibc", "13"), nil},
		{deb("tar", "1.34+dfsg-1.2+deb12u1", "tar", "12"), []string{"tar:CVE-2005-2541>"}},
	} {
		p := tc.pkg
		p.Name = strings.ToLower(p.Name)
		fs, err := Match(db, &sbom.Document{Packages: []sbom.Package{p}})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(fs); !slices.Equal(got, tc.want) {
			t.Errorf("%s %s: %v, want %v", p.Name, p.Version, got, tc.want)
		}
	}
}

// Advisories that name each other are one finding with every id: GHSA, PYSEC and CVE of one
// flaw; DSA and DEBIAN-CVE of one Debian fix.
func TestMatchMergesAliases(t *testing.T) {
	fs, err := Match(fixtureDB(t), &sbom.Document{Packages: []sbom.Package{pypi("urllib3", "1.26.12"), deb("libc-bin", "2.36-9+deb12u2", "glibc", "12")}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"CVE-2023-43804": {"CVE-2023-43804", "GHSA-v845-jxx5-vc9f", "PYSEC-2023-192"},
		"CVE-2023-4911":  {"CVE-2023-4911", "DEBIAN-CVE-2023-4911", "DSA-5514-1"},
	}
	for _, f := range fs {
		if w, ok := want[f.ID]; ok {
			if !slices.Equal(f.IDs, w) {
				t.Errorf("%s: ids %v, want %v", f.ID, f.IDs, w)
			}
			delete(want, f.ID)
		}
	}
	if len(want) > 0 {
		t.Errorf("not found: %v", want)
	}
}

func TestMatchNeedsDebianRelease(t *testing.T) {
	p := deb("tar", "1.34", "tar", "")
	if _, err := Match(fixtureDB(t), &sbom.Document{Packages: []sbom.Package{p}}); err == nil || !strings.Contains(err.Error(), "no Debian release") {
		t.Fatalf("err = %v", err)
	}
	// The document's os-release gives it.
	fs, err := Match(fixtureDB(t), &sbom.Document{OS: &sbom.OS{ID: "debian", VersionID: "12"}, Packages: []sbom.Package{p}})
	if err != nil || len(fs) != 1 {
		t.Fatalf("%v, %v", ids(fs), err)
	}
}

// Severities: the highest CVSS base score of the entry (v3.0, v3.1, v4.0), else GitHub's
// textual severity, else Debian's urgency.
func TestRate(t *testing.T) {
	for _, tc := range []struct {
		sev     []osv.Severity
		db      string
		urgency string
		want    Level
		score   float64
	}{
		{[]osv.Severity{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}, "", "", Critical, 9.8},
		{[]osv.Severity{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:H"}}, "", "", High, 7.4},
		{[]osv.Severity{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:L"}}, "", "", Medium, 6.5},
		{[]osv.Severity{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"}}, "", "", High, 7.8},
		{[]osv.Severity{{Type: "CVSS_V3", Score: "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"}}, "", "", Medium, 6.1},
		{[]osv.Severity{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N"}}, "", "", Low, 3.1},
		{[]osv.Severity{{Type: "CVSS_V4", Score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}}, "", "", Critical, 9.3},
		{[]osv.Severity{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:L"}, {Type: "CVSS_V4", Score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}}, "", "", Critical, 9.3},
		{[]osv.Severity{{Type: "CVSS_V3", Score: "not a vector"}}, "MODERATE", "", Medium, 0},
		{nil, "LOW", "", Low, 0},
		{nil, "", "unimportant", Low, 0},
		{nil, "", "high*", High, 0},
		{nil, "", "not yet assigned", Unknown, 0},
	} {
		v := &osv.Vulnerability{Severity: tc.sev}
		if tc.db != "" {
			v.DatabaseSpecific = &osv.DatabaseSpecific{Severity: tc.db}
		}
		a := &osv.Affected{}
		if tc.urgency != "" {
			a.EcosystemSpecific = &osv.EcosystemSpecific{Urgency: tc.urgency}
		}
		if r := rate(v, a); r.Level != tc.want || r.Score != tc.score {
			t.Errorf("rate(%v, %q, %q) = %+v, want %s %.1f", tc.sev, tc.db, tc.urgency, r, tc.want, tc.score)
		}
	}
}

func TestParseLevel(t *testing.T) {
	for in, want := range map[string]Level{"low": Low, "MODERATE": Medium, "Medium": Medium, " HIGH ": High, "critical": Critical, "unknown": Unknown} {
		if got, err := ParseLevel(in); err != nil || got != want {
			t.Errorf("ParseLevel(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseLevel("severe"); err == nil {
		t.Error("ParseLevel(severe): no error")
	}
}

// A database missing an ecosystem's control, or one of another ecosystem, is an error naming
// the control; the fixture passes.
func TestCheckControls(t *testing.T) {
	doc := &sbom.Document{Packages: []sbom.Package{pypi("urllib3", "1.26.19"), deb("tar", "1.34", "tar", "12")}}
	if err := CheckControls(fixtureDB(t), doc); err != nil {
		t.Fatal(err)
	}
	pypiOnly, err := osv.Load(filepath.Join(testutil.RepoRoot(t), "testdata", "osv", "PyPI"))
	if err != nil {
		t.Fatal(err)
	}
	err = CheckControls(pypiOnly, doc)
	if err == nil || !strings.Contains(err.Error(), "Debian:12: libc6 2.36-9+deb12u2 must match CVE-2023-4911, but the database finds nothing") {
		t.Fatalf("PyPI-only database: %v", err)
	}
	if err := CheckControls(pypiOnly, &sbom.Document{Packages: []sbom.Package{deb("tar", "1.34", "tar", "11")}}); err == nil || !strings.Contains(err.Error(), "no positive control is known for Debian:11") {
		t.Fatalf("Debian 11: %v", err)
	}
}

func waiver(id, pkg, expires string) Waiver {
	return Waiver{ID: id, Package: pkg, Justification: "tar is not run on untrusted archives", Expires: expires, Owner: "security@example.org"}
}

func TestPolicyApply(t *testing.T) {
	db := fixtureDB(t)
	doc := &sbom.Document{Packages: []sbom.Package{pypi("urllib3", "1.26.18"), deb("tar", "1.34+dfsg-1.2+deb12u1", "tar", "12"), deb("libc6", "2.36-9+deb12u14", "glibc", "12")}}
	fs, err := Match(db, doc)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)
	status := func(r Result) []string {
		var out []string
		for _, f := range r.Findings {
			out = append(out, f.Package+":"+f.ID+"="+string(f.Status))
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		policy  Policy
		want    []string
		passed  bool
		expired int
		unused  int
	}{
		{"threshold high", Policy{Severity: High}, []string{"libc6:CVE-2010-4756=below-threshold", "tar:CVE-2005-2541=below-threshold", "urllib3:CVE-2024-37891=below-threshold"}, true, 0, 0},
		{"threshold low", Policy{Severity: Low}, []string{"libc6:CVE-2010-4756=violation", "tar:CVE-2005-2541=violation", "urllib3:CVE-2024-37891=violation"}, false, 0, 0},
		{"ignore unfixed", Policy{Severity: Low, IgnoreUnfixed: true}, []string{"libc6:CVE-2010-4756=ignored-unfixed", "tar:CVE-2005-2541=ignored-unfixed", "urllib3:CVE-2024-37891=violation"}, false, 0, 0},
		{"waivers in force", Policy{Severity: Low, Waivers: []Waiver{
			waiver("DEBIAN-CVE-2005-2541", "tar", "2026-12-03"),
			waiver("CVE-2010-4756", "glibc", "2027-06-30"),
			waiver("GHSA-34jh-p97f-mpxf", "pkg:pypi/urllib3", "2027-01-01"),
		}}, []string{"libc6:CVE-2010-4756=waived", "tar:CVE-2005-2541=waived", "urllib3:CVE-2024-37891=waived"}, true, 0, 0},
		{"expired waiver", Policy{Severity: Low, Waivers: []Waiver{
			waiver("CVE-2005-2541", "tar", "2026-12-02"),
			waiver("CVE-2010-4756", "libc6", "2027-06-30"),
			waiver("CVE-2024-37891", "urllib3", "2027-01-01"),
		}}, []string{"libc6:CVE-2010-4756=waived", "tar:CVE-2005-2541=violation", "urllib3:CVE-2024-37891=waived"}, false, 1, 0},
		{"expired waiver of nothing still fails", Policy{Severity: High, Waivers: []Waiver{waiver("CVE-2099-1", "tar", "2025-01-31")}},
			[]string{"libc6:CVE-2010-4756=below-threshold", "tar:CVE-2005-2541=below-threshold", "urllib3:CVE-2024-37891=below-threshold"}, false, 1, 0},
		{"unused waiver", Policy{Severity: High, Waivers: []Waiver{waiver("CVE-2099-1", "tar", "2027-01-31"), waiver("CVE-2005-2541", "libc6", "2027-01-31")}},
			[]string{"libc6:CVE-2010-4756=below-threshold", "tar:CVE-2005-2541=below-threshold", "urllib3:CVE-2024-37891=below-threshold"}, true, 0, 2},
	} {
		if err := tc.policy.Check(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		r := tc.policy.Apply(fs, now)
		if got := status(r); !slices.Equal(got, tc.want) || r.Passed != tc.passed || len(r.Expired) != tc.expired || len(r.Unused) != tc.unused {
			t.Errorf("%s: %v passed %v expired %v unused %v; want %v passed %v, %d expired, %d unused", tc.name, got, r.Passed, r.Expired, r.Unused, tc.want, tc.passed, tc.expired, tc.unused)
		}
	}
	r := (&Policy{Waivers: []Waiver{waiver("CVE-2005-2541", "tar", "2026-11-20")}}).Apply(fs, now)
	if len(r.Expired) != 1 || r.Expired[0].Since != "2026-11-21" || r.Expired[0].Days != 12 {
		t.Errorf("expired: %+v, want since 2026-11-21, 12 days", r.Expired)
	}
}

func TestPolicyCheck(t *testing.T) {
	for _, tc := range []struct {
		w    []Waiver
		want string
	}{
		{[]Waiver{{ID: "CVE-1"}}, "missing package, justification, expires, owner"},
		{[]Waiver{waiver("CVE-1", "tar", "2026-13-01")}, `expires "2026-13-01"`},
		{[]Waiver{waiver("CVE-1", "tar", "next year")}, "want YYYY-MM-DD"},
		{[]Waiver{waiver("CVE-1", "tar", "2027-01-01"), waiver("cve-1", "tar", "2027-02-01")}, "duplicates the one at waivers[0]"},
		{[]Waiver{{ID: "CVE-1", Package: "tar", Justification: "j", Expires: "2027-01-01", Owner: "o", VEXJustification: "because"}}, `vex_justification "because"`},
	} {
		p := Policy{Waivers: tc.w}
		if err := p.Check(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.w, err, tc.want)
		}
	}
	if _, err := ParsePolicy("p.json", []byte(`{"severity": "HIGH", "ignore_unfixed": true, "waiver": []}`)); err == nil || !strings.Contains(err.Error(), `unknown field "waiver"`) {
		t.Errorf("unknown field: %v", err)
	}
	p, err := ParsePolicy("p.json", []byte(`{"severity": "moderate", "ignore_unfixed": true, "waivers": [{"id": "CVE-1", "package": "tar", "justification": "j", "expires": "2027-01-01", "owner": "o", "vex_justification": ""}]}`))
	if err != nil || p.Severity != Medium || !p.IgnoreUnfixed || len(p.Waivers) != 1 {
		t.Errorf("ParsePolicy = %+v, %v", p, err)
	}
}

func report(t *testing.T, policy Policy) *Report {
	t.Helper()
	doc := &sbom.Document{
		Image:     sbom.Image{Label: "//images/horizon:2024.1", Name: "horizon", Digest: "sha256:" + strings.Repeat("ab", 32)},
		Packages:  []sbom.Package{pypi("urllib3", "1.26.18"), pypi("django", "4.2.10"), deb("tar", "1.34+dfsg-1.2+deb12u1", "tar", "12")},
		Overrides: []sbom.Override{{Op: "pin", Package: "Jinja2", From: "3.1.3", To: "3.1.4", Advisories: []string{"CVE-2024-34064"}}},
	}
	r, err := Scan(fixtureDB(t), doc, Subject{Artifacts: map[string]string{"pypi": "images/horizon/2024.1.lock.json", "deb": "MODULE.bazel"}}, policy, time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestTable(t *testing.T) {
	r := report(t, Policy{Severity: Low, Waivers: []Waiver{waiver("CVE-2024-37891", "urllib3", "2027-01-01"), waiver("CVE-2005-2541", "tar", "2026-06-30")}})
	var buf bytes.Buffer
	if err := r.Table(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"PACKAGE  ",
		"django   4.2.10                 4.2.11    CVE-2024-27351 (+2)  LOW       violation",
		"tar      1.34+dfsg-1.2+deb12u1  -         CVE-2005-2541 (+1)   LOW       violation",
		"urllib3  1.26.18                1.26.19   CVE-2024-37891 (+1)  MEDIUM    waived until 2027-01-01 (security@example.org)",
		"expired waiver: CVE-2005-2541 of tar (owner security@example.org, -) expired on 2026-06-30, 155 day(s) ago",
		"FAILED: 3 package(s), 3 finding(s): 2 violation(s) (threshold LOW), 1 waived, 0 unfixed ignored, 0 below threshold; 1 expired waiver(s)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

// SARIF 2.1.0 as GitHub code scanning reads it: valid against the schema, one rule per
// advisory with a security-severity, results located at the lock or the base's pin, the waived
// one suppressed; OpenVEX statements valid, the waiver not_affected, the override's advisory
// fixed. Both are the same bytes when written twice.
func TestSARIFAndOpenVEX(t *testing.T) {
	policy := Policy{Severity: Low, Waivers: []Waiver{waiver("CVE-2024-37891", "urllib3", "2027-01-01")}}
	var sarifs, vexes [2]bytes.Buffer
	for i := range 2 {
		r := report(t, policy)
		if err := r.SARIF(&sarifs[i], "0.1.0"); err != nil {
			t.Fatal(err)
		}
		if err := r.OpenVEX(&vexes[i], "citadel-0.1.0"); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(sarifs[0].Bytes(), sarifs[1].Bytes()) || !bytes.Equal(vexes[0].Bytes(), vexes[1].Bytes()) {
		t.Fatal("two writes of one report differ")
	}
	testutil.ValidateJSON(t, testutil.SARIFSchema(t), sarifs[0].Bytes())

	var s struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID         string         `json:"id"`
						Properties map[string]any `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID       string `json:"ruleId"`
				Level        string `json:"level"`
				Suppressions []struct {
					Kind, Status string
				} `json:"suppressions"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string } `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(sarifs[0].Bytes(), &s); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, res := range s.Runs[0].Results {
		sup := ""
		if len(res.Suppressions) == 1 {
			sup = " " + res.Suppressions[0].Kind + "/" + res.Suppressions[0].Status
		}
		got[res.RuleID] = res.Level + " " + res.Locations[0].PhysicalLocation.ArtifactLocation.URI + sup
	}
	want := map[string]string{
		"CVE-2024-27351": "error images/horizon/2024.1.lock.json",
		"CVE-2024-37891": "warning images/horizon/2024.1.lock.json external/accepted",
		"CVE-2005-2541":  "error MODULE.bazel",
	}
	if len(got) != len(want) {
		t.Errorf("results %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("result %s: %q, want %q", k, got[k], v)
		}
	}
	for _, rule := range s.Runs[0].Tool.Driver.Rules {
		if rule.Properties["security-severity"] == nil {
			t.Errorf("rule %s has no security-severity", rule.ID)
		}
	}

	var v struct {
		Context    string `json:"@context"`
		ID         string `json:"@id"`
		Timestamp  string `json:"timestamp"`
		Statements []struct {
			Vulnerability struct{ Name string }
			Status        string
			Products      []struct {
				ID            string `json:"@id"`
				Subcomponents []struct {
					ID string `json:"@id"`
				}
			}
		}
	}
	if err := json.Unmarshal(vexes[0].Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	if v.Context != "https://openvex.dev/ns/v0.2.0" || !strings.HasPrefix(v.ID, "urn:uuid:") || v.Timestamp != "2026-12-03T00:00:00Z" {
		t.Errorf("document %s %s %s", v.Context, v.ID, v.Timestamp)
	}
	statements := map[string]string{}
	for _, st := range v.Statements {
		statements[st.Vulnerability.Name+" "+st.Products[0].Subcomponents[0].ID] = st.Status
		if st.Products[0].ID != "pkg:oci/horizon@sha256:"+strings.Repeat("ab", 32) {
			t.Errorf("product %s", st.Products[0].ID)
		}
	}
	for k, want := range map[string]string{
		"CVE-2024-37891 pkg:pypi/urllib3@1.26.18":                                            "not_affected",
		"CVE-2024-27351 pkg:pypi/django@4.2.10":                                              "affected",
		"CVE-2005-2541 pkg:deb/debian/tar@1.34+dfsg-1.2+deb12u1?arch=amd64&distro=debian-12": "affected",
		"CVE-2024-34064 pkg:pypi/jinja2@3.1.4":                                               "fixed",
	} {
		if statements[k] != want {
			t.Errorf("statement %s: %q, want %q (have %v)", k, statements[k], want, statements)
		}
	}
}

// FuzzParsePolicy: no panic; an accepted policy's waivers all have an expiry that parses.
func FuzzParsePolicy(f *testing.F) {
	f.Add([]byte(`{"severity": "HIGH", "ignore_unfixed": true, "waivers": [{"id": "CVE-1", "package": "tar", "justification": "j", "expires": "2027-01-01", "owner": "o"}]}`))
	f.Add([]byte(`{"severity": "bogus"}`))
	f.Add([]byte(`{"waivers": [{"expires": "2027-02-30"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePolicy("fuzz.json", data)
		if err != nil {
			return
		}
		for _, w := range p.Waivers {
			if _, err := w.expiry(); err != nil {
				t.Fatalf("accepted waiver %+v: %v", w, err)
			}
		}
	})
}
