package dpkg

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const bookwormStatus = `Package: libc6
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 12987
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u10
Depends: libgcc-s1
Conffiles:
 /etc/ld.so.conf.d/x86_64-linux-gnu.conf d4e7a7b88a71b5ffd9e2644e71a0cfab
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.
Homepage: https://www.gnu.org/software/libc/libc.html

Package: tar
Essential: yes
Status: install ok installed
Priority: required
Maintainer: Janos Lenart <ocsi@debian.org>
Architecture: amd64
Version: 1.34+dfsg-1.2+deb12u1

Package: libpython3.11-minimal
Status: install ok installed
Architecture: amd64
Source: python3.11 (3.11.2-6+deb12u6)
Version: 3.11.2-6+deb12u6+b1

Package: oldthing
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0-1
`

func TestParseStatus(t *testing.T) {
	pkgs, err := ParseStatus("status", []byte(bookwormStatus))
	if err != nil {
		t.Fatal(err)
	}
	want := []Package{
		{Name: "libc6", Version: "2.36-9+deb12u10", Architecture: "amd64", Source: "glibc", SourceVersion: "2.36-9+deb12u10",
			Maintainer: "GNU Libc Maintainers <debian-glibc@lists.debian.org>", Homepage: "https://www.gnu.org/software/libc/libc.html"},
		{Name: "libpython3.11-minimal", Version: "3.11.2-6+deb12u6+b1", Architecture: "amd64", Source: "python3.11", SourceVersion: "3.11.2-6+deb12u6"},
		{Name: "tar", Version: "1.34+dfsg-1.2+deb12u1", Architecture: "amd64", Source: "tar", SourceVersion: "1.34+dfsg-1.2+deb12u1", Maintainer: "Janos Lenart <ocsi@debian.org>"},
	}
	if len(pkgs) != len(want) {
		t.Fatalf("got %d packages %+v, want %d", len(pkgs), pkgs, len(want))
	}
	for i := range want {
		if pkgs[i] != want[i] {
			t.Errorf("package %d = %+v, want %+v", i, pkgs[i], want[i])
		}
	}
}

func TestParseStatusErrors(t *testing.T) {
	for _, tc := range []struct{ name, data, want string }{
		{"no colon", "Package libc6\n", `status:1: want "Field: value"`},
		{"orphan continuation", " continued\n", "status:1: continuation line outside a field"},
		{"duplicate field", "Package: a\nPackage: b\n", "field Package appears twice"},
		{"bad status", "Package: a\nStatus: installed\nVersion: 1\n", `package "a": Status "installed"`},
		{"no version", "Package: a\nStatus: install ok installed\n", "without Package or Version"},
		{"bad version", "Package: a\nStatus: install ok installed\nVersion: one\n", `package a: version "one"`},
		{"bad source", "Package: a\nStatus: install ok installed\nVersion: 1\nSource: b 2\n", `Source "b 2": want NAME or NAME (VERSION)`},
	} {
		_, err := ParseStatus("status", []byte(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

// The status file of the machine running the tests is a real-world input: on a Debian host it
// must parse, and list dpkg itself.
func TestParseHostStatus(t *testing.T) {
	data, err := os.ReadFile("/var/lib/dpkg/status")
	if err != nil {
		t.Skip("no dpkg status on this host")
	}
	pkgs, err := ParseStatus("/var/lib/dpkg/status", data)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		if p.Name == "dpkg" {
			return
		}
	}
	t.Fatalf("%d packages, none of them dpkg", len(pkgs))
}

// FuzzParseStatus: no panic; every package has a name, a valid version and a source; the
// inputs that once failed are kept in testdata/fuzz.
func FuzzParseStatus(f *testing.F) {
	f.Add([]byte(bookwormStatus))
	f.Add([]byte("Package: x\nStatus: deinstall ok config-files\nVersion: 1\n\nPackage:\n"))
	f.Add([]byte("Package: x\r\nStatus: install ok installed\r\nVersion: 1:2-3\r\nSource: y (1:2-3)\r\n"))
	seeds, _ := filepath.Glob("testdata/*.status")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pkgs, err := ParseStatus("status", data)
		if err != nil {
			return
		}
		for _, p := range pkgs {
			if p.Name == "" || p.Source == "" || CheckVersion(p.Version) != nil || CheckVersion(p.SourceVersion) != nil {
				t.Fatalf("bad package %+v", p)
			}
		}
	})
}
