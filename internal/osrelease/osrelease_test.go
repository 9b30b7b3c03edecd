package osrelease

import (
	"os"
	"strings"
	"testing"
)

const bookworm = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		want       Info
	}{
		{"debian bookworm", bookworm, Info{ID: "debian", VersionID: "12", VersionCodename: "bookworm", PrettyName: "Debian GNU/Linux 12 (bookworm)", Name: "Debian GNU/Linux", HomeURL: "https://www.debian.org/"}},
		{"ubuntu jammy", "ID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"22.04\"\nVERSION_CODENAME=jammy\n", Info{ID: "ubuntu", VersionID: "22.04", VersionCodename: "jammy"}},
		{"single quotes and comments", "# comment\n\nID='alpine'\nVERSION_ID=3.20.1\n", Info{ID: "alpine", VersionID: "3.20.1"}},
		{"escapes", `PRETTY_NAME="a \"b\" \$c \\ d"` + "\n", Info{ID: "linux", PrettyName: `a "b" $c \ d`}},
		{"empty", "", Info{ID: "linux"}},
	} {
		got, err := Parse("os-release", []byte(tc.data))
		if err != nil || got != tc.want {
			t.Errorf("%s: Parse = %+v, %v; want %+v", tc.name, got, err, tc.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ data, want string }{
		{"ID debian\n", "os-release:1: want NAME=value"},
		{"ID=\"debian\n", "unterminated quote"},
		{"NAME=Debian GNU\n", "shell characters"},
		{"NAME=\"a\"b\"\n", "unescaped quote"},
	} {
		if _, err := Parse("os-release", []byte(tc.data)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", tc.data, err, tc.want)
		}
	}
}

// The host's file is a real-world input.
func TestParseHost(t *testing.T) {
	for _, p := range Paths {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if info, err := Parse(p, data); err != nil || info.ID == "" {
			t.Fatalf("%s: %+v, %v", p, info, err)
		}
		return
	}
	t.Skip("no os-release on this host")
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(bookworm))
	f.Add([]byte("ID=\"\\\"\nX='\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := Parse("os-release", data)
		if err == nil && info.ID == "" {
			t.Fatal("no ID and no default")
		}
	})
}
