package dpkg

import (
	"os/exec"
	"testing"
)

// Cases of dpkg --compare-versions (results as dpkg 1.21 on bookworm gives them), the hard ones
// being ~ (before everything, even the end), epochs, and revisions compared as versions.
var compareCases = []struct {
	a, b string
	want int
}{
	{"1.0", "1.0", 0},
	{"1.0", "1.0-0", 0},
	{"0:1.0", "1.0", 0},
	{"1.0-1", "1.0-2", -1},
	{"1:1.0", "2.0", 1},
	{"2:1.0", "1:9.9", 1},
	{"1.0~rc1", "1.0", -1},
	{"1.0~~", "1.0~", -1},
	{"1.0+", "1.0~", 1},
	{"1.0~rc1-1", "1.0~rc1", 1},
	{"1.0+deb12u1", "1.0", 1},
	{"1.0a", "1.0", 1},
	{"1.0", "1.0.", -1},
	{"1.0.0", "1.0", 1},
	{"1.9", "1.10", -1},
	{"9.0p1", "10.0p1", -1},
	{"1.35-1", "1.35", 1},
	{"1.0-a", "1.0-1", 1},
	{"1.2.3-1", "1.2.3-1.1", -1},
	{"1.0-1~bpo12+1", "1.0-1", -1},
	{"2.36-9+deb12u3", "2.36-9+deb12u10", -1},
	{"2.36-9+deb12u10", "2.36-9+deb12u13", -1},
	{"3.0.11-1~deb12u2", "3.0.11-1", -1},
	{"3.11.2-6+deb12u2", "3.11.2-6+deb12u6", -1},
	{"7.88.1-10+deb12u5", "7.88.1-10+deb12u12", -1},
}

func TestCompareMatchesDpkg(t *testing.T) {
	dpkg, _ := exec.LookPath("dpkg")
	for _, tc := range compareCases {
		for _, c := range []struct {
			a, b string
			want int
		}{{tc.a, tc.b, tc.want}, {tc.b, tc.a, -tc.want}} {
			got, err := Compare(c.a, c.b)
			if err != nil || got != c.want {
				t.Errorf("Compare(%q, %q) = %d, %v; want %d", c.a, c.b, got, err, c.want)
			}
			if dpkg == "" {
				continue
			}
			op := map[int]string{-1: "lt", 0: "eq", 1: "gt"}[c.want]
			if err := exec.Command(dpkg, "--compare-versions", c.a, op, c.b).Run(); err != nil {
				t.Errorf("the table is wrong: dpkg --compare-versions %s %s %s is false", c.a, op, c.b)
			}
		}
	}
}

func TestCompareRefusesBadVersions(t *testing.T) {
	for _, v := range []string{"", "a", "1:", ":1", "1.0 beta", "x:1.0"} {
		if _, err := Compare(v, "1.0"); err == nil {
			t.Errorf("Compare(%q, 1.0): no error", v)
		}
	}
}

func TestUpstreamVersion(t *testing.T) {
	for in, want := range map[string]string{
		"3.11.2-6+deb12u6":   "3.11.2",
		"1:2.38.1-5+deb12u3": "2.38.1",
		"3.0.15-1~deb12u1":   "3.0.15",
		"1.35":               "1.35",
		"2:1.0":              "1.0",
	} {
		if got := UpstreamVersion(in); got != want {
			t.Errorf("UpstreamVersion(%q) = %q, want %q", in, got, want)
		}
	}
}
