package sbom

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/citadel-build/citadel/internal/lock"
	"github.com/citadel-build/citadel/internal/testutil"
)

const status = `Package: libc6
Status: install ok installed
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: amd64
Source: glibc
Version: 2.36-9+deb12u10
Homepage: https://www.gnu.org/software/libc/libc.html

Package: libpython3.11-minimal
Status: install ok installed
Maintainer: Matthias Klose <doko@debian.org>
Architecture: amd64
Source: python3.11 (3.11.2-6+deb12u6)
Version: 3.11.2-6+deb12u6+b1

Package: tar
Status: install ok installed
Architecture: amd64
Version: 1.34+dfsg-1.2+deb12u1
`

const osRelease = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION_CODENAME=bookworm
ID=debian
`

type entry struct{ name, data, link string }

func layer(t *testing.T, entries ...entry) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Mode: 0o644, Typeflag: tar.TypeReg, Size: int64(len(e.data))}
		if e.link != "" {
			hdr.Typeflag, hdr.Linkname, hdr.Size = tar.TypeSymlink, e.link, 0
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(e.data))
	}
	tw.Close()
	data := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func metadata(name, version string) entry {
	dir := "var/lib/openstack/lib/python3.11/site-packages/" + strings.ReplaceAll(name, "-", "_") + "-" + version + ".dist-info/"
	return entry{name: dir + "METADATA", data: "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n"}
}

const lockJSON = `{
  "lock_version": 1,
  "image": "//images/horizon:2024.1",
  "inputs": {"roots": ["horizon"], "release": "//releases/2024.1", "constraints": {}, "target": {"python_version": "3.11.2", "platform": "manylinux_2_36_x86_64"},
    "overrides": [{"op": "pin", "package": "urllib3", "from": "1.26.18", "to": "1.26.19", "advisories": ["CVE-2024-37891"]}]},
  "packages": [
    {"name": "horizon", "version": "24.0.2", "root": true, "filename": "horizon-24.0.2-py3-none-any.whl", "sha256": "` + "1111111111111111111111111111111111111111111111111111111111111111" + `", "size": 1, "license": "Apache License, Version 2.0", "pinned_by": "constraints",
     "dependencies": [{"name": "urllib3", "requirement": "urllib3>=1.21"}]},
    {"name": "urllib3", "version": "1.26.19", "filename": "urllib3-1.26.19-py2.py3-none-any.whl", "sha256": "` + "2222222222222222222222222222222222222222222222222222222222222222" + `", "size": 1, "license": "MIT", "pinned_by": "constraints", "dependencies": []}
  ]
}`

func testImage(t *testing.T, lockSHA string, venv ...entry) v1.Image {
	t.Helper()
	base := layer(t, entry{name: "usr/lib/os-release", data: osRelease}, entry{name: "etc/os-release", link: "../usr/lib/os-release"},
		entry{name: "var/lib/dpkg/status", data: status})
	img, err := mutate.AppendLayers(empty.Image, base, layer(t, venv...))
	if err != nil {
		t.Fatal(err)
	}
	cf, _ := img.ConfigFile()
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	cf.Created = v1.Time{Time: time.Unix(1700000000, 0)}
	cf.Config.Labels = map[string]string{
		"dev.citadel.image": "//images/horizon:2024.1", "dev.citadel.openstack.release": "2024.1", "dev.citadel.lock.sha256": lockSHA,
		"org.opencontainers.image.title": "horizon", "org.opencontainers.image.version": "24.0.2",
		"org.opencontainers.image.base.name": "localhost:5000/citadel/debian", "org.opencontainers.image.base.digest": "sha256:" + strings.Repeat("0", 64),
	}
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	return img
}

func testLock(t *testing.T) *lock.Lock {
	l, err := lock.Unmarshal("2024.1.lock.json", []byte(lockJSON))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func fromImage(t *testing.T, img v1.Image) (*Document, error) {
	return FromImage(context.Background(), ImageInput{Image: img, Lock: testLock(t), LockSHA256: "abc", Prefix: "/var/lib/openstack", Tool: "citadel-0.1.0"})
}

func TestFromImage(t *testing.T) {
	doc, err := fromImage(t, testImage(t, "abc", metadata("horizon", "24.0.2"), metadata("urllib3", "1.26.19")))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range doc.Packages {
		got = append(got, p.Ref+" "+p.Purl+" "+strings.Join(p.DependsOn, ","))
	}
	want := []string{
		"deb-libc6-2.36-9-deb12u10-amd64 pkg:deb/debian/libc6@2.36-9%2Bdeb12u10?arch=amd64&distro=debian-12&upstream=glibc ",
		"deb-libpython3.11-minimal-3.11.2-6-deb12u6-b1-amd64 pkg:deb/debian/libpython3.11-minimal@3.11.2-6%2Bdeb12u6%2Bb1?arch=amd64&distro=debian-12&upstream=python3.11%403.11.2-6%2Bdeb12u6 ",
		"deb-tar-1.34-dfsg-1.2-deb12u1-amd64 pkg:deb/debian/tar@1.34%2Bdfsg-1.2%2Bdeb12u1?arch=amd64&distro=debian-12 ",
		"pypi-horizon-24.0.2 pkg:pypi/horizon@24.0.2 pypi-urllib3-1.26.19",
		"pypi-urllib3-1.26.19 pkg:pypi/urllib3@1.26.19 ",
	}
	if !slices.Equal(got, want) {
		t.Errorf("packages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if doc.OS == nil || doc.OS.ID != "debian" || doc.OS.VersionID != "12" || doc.OS.Codename != "bookworm" {
		t.Errorf("os %+v", doc.OS)
	}
	if doc.Image.Label != "//images/horizon:2024.1" || doc.Image.Version != "24.0.2" || !doc.Created.Equal(time.Unix(1700000000, 0)) || len(doc.Overrides) != 1 {
		t.Errorf("image %+v, created %s, overrides %v", doc.Image, doc.Created, doc.Overrides)
	}
}

// The SBOM is of what the image holds: a venv that differs from the lock, or a lock that is not
// the one the image was built from, is an error naming the difference.
func TestFromImageChecksTheVenvAndLock(t *testing.T) {
	for _, tc := range []struct {
		name string
		img  v1.Image
		want string
	}{
		{"other version", testImage(t, "abc", metadata("horizon", "24.0.2"), metadata("urllib3", "1.26.18")), "urllib3 is locked at 1.26.19 but 1.26.18 is installed"},
		{"missing", testImage(t, "abc", metadata("horizon", "24.0.2")), "urllib3 1.26.19 is locked but not installed"},
		{"extra", testImage(t, "abc", metadata("horizon", "24.0.2"), metadata("urllib3", "1.26.19"), metadata("six", "1.16.0")), "six 1.16.0 is installed but not in the lock"},
		{"other lock", testImage(t, "def", metadata("horizon", "24.0.2"), metadata("urllib3", "1.26.19")), "was built from a lock with sha256 def, but the lock given has sha256 abc"},
	} {
		if _, err := fromImage(t, tc.img); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

// Both formats are valid against their schemas, the same bytes when written twice, and read back
// into the same packages.
func TestWriteValidateAndReadBack(t *testing.T) {
	img := testImage(t, "abc", metadata("horizon", "24.0.2"), metadata("urllib3", "1.26.19"))
	for _, tc := range []struct {
		name   string
		write  func(*Document) ([]byte, error)
		schema func(testing.TB) testutil.Schema
	}{
		{"spdx", SPDX, testutil.SPDXSchema},
		{"cyclonedx", CycloneDX, testutil.CycloneDXSchema},
	} {
		var outs [2][]byte
		for i := range outs {
			doc, err := fromImage(t, img)
			if err != nil {
				t.Fatal(err)
			}
			if outs[i], err = tc.write(doc); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(outs[0], outs[1]) {
			t.Errorf("%s: two writes differ", tc.name)
		}
		testutil.ValidateJSON(t, tc.schema(t), outs[0])
		back, err := Read(tc.name+".json", outs[0])
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := fromImage(t, img)
		if got, want := identities(back.Packages), identities(doc.Packages); !slices.Equal(got, want) {
			t.Errorf("%s read back %v, want %v", tc.name, got, want)
		}
		if back.OS == nil || back.OS.ID != "debian" || back.OS.VersionID != "12" || back.Image.Digest == "" {
			t.Errorf("%s read back os %+v, image %+v", tc.name, back.OS, back.Image)
		}
		// The override's advisory is recorded, and the non-SPDX license kept as the package's text.
		for _, want := range []string{"CVE-2024-37891", "Apache License, Version 2.0"} {
			if !bytes.Contains(outs[0], []byte(want)) {
				t.Errorf("%s lacks %s", tc.name, want)
			}
		}
	}
}

func identities(pkgs []Package) []string {
	var out []string
	for _, p := range pkgs {
		out = append(out, p.Type+"/"+p.Name+"@"+p.Version+" "+p.Source+"@"+p.SourceVersion)
	}
	return out
}

// A syft-style CycloneDX (nested components, purls with distro=debian-12.7 and upstream=) and an
// SPDX document read into packages; what is not an SBOM is refused.
func TestRead(t *testing.T) {
	cdx := `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
	  "metadata":{"component":{"type":"container","name":"horizon","version":"sha256:` + strings.Repeat("a", 64) + `"}},
	  "components":[
	    {"type":"library","name":"bash","version":"5.2.15-2+b2","purl":"pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12.7&upstream=bash%405.2.15-2",
	     "components":[{"type":"library","name":"Django","version":"4.2.11","purl":"pkg:pypi/Django@4.2.11"}]},
	    {"type":"operating-system","name":"debian","version":"12.7"},
	    {"type":"file","name":"/etc/passwd"},
	    {"type":"library","name":"left-pad","version":"1.0.0","purl":"pkg:npm/left-pad@1.0.0"}]}`
	doc, err := Read("syft.cdx.json", []byte(cdx))
	if err != nil {
		t.Fatal(err)
	}
	if got := identities(doc.Packages); !slices.Equal(got, []string{"deb/bash@5.2.15-2+b2 bash@5.2.15-2", "pypi/django@4.2.11 @"}) {
		t.Errorf("cyclonedx: %v", got)
	}
	if doc.Packages[0].Release != "12" || doc.OS.VersionID != "12.7" || doc.Image.Digest != "sha256:"+strings.Repeat("a", 64) {
		t.Errorf("release %q, os %+v, image %+v", doc.Packages[0].Release, doc.OS, doc.Image)
	}
	spdx := `{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT","name":"x","documentNamespace":"urn:uuid:1",
	  "creationInfo":{"created":"2024-01-01T00:00:00Z","creators":["Tool: x"]},
	  "packages":[{"name":"tar","SPDXID":"SPDXRef-tar","versionInfo":"1.34","downloadLocation":"NOASSERTION",
	    "externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:deb/debian/tar@1.34?arch=amd64&distro=bookworm"}]}]}`
	if doc, err = Read("x.spdx.json", []byte(spdx)); err != nil || len(doc.Packages) != 1 || doc.Packages[0].Release != "12" {
		t.Errorf("spdx: %+v, %v", doc, err)
	}
	for _, tc := range []struct{ data, want string }{
		{`[1]`, "not a JSON SBOM"},
		{`{"name": "x"}`, "want CycloneDX JSON"},
		{`{"bomFormat":"CycloneDX","components":[{"type":"library","purl":"pkg:pypi/x"}]}`, `purl "pkg:pypi/x": no version`},
		{`{"bomFormat":"CycloneDX","components":[{"type":"library","purl":"pkg:"}]}`, `purl "pkg:"`},
	} {
		if _, err := Read("f.json", []byte(tc.data)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Read(%s) = %v, want %q", tc.data, err, tc.want)
		}
	}
}

func TestSPDXExpression(t *testing.T) {
	for s, want := range map[string]bool{
		"MIT": true, "Apache-2.0": true, "Apache-2.0 OR BSD-3-Clause": true, "(MIT AND BSD-2-Clause) OR Apache-2.0": true,
		"GPL-2.0-or-later WITH Classpath-exception-2.0": true, "LicenseRef-custom": true, "Apache-2.0+": true,
		"": false, "BSD": false, "Apache Software License": false, "MIT OR": false, "(MIT": false, "MIT)": false,
		"MIT WITH MIT": false, "AND MIT": false, "MIT MIT": false, "Apache License, Version 2.0": false,
	} {
		if got := spdxExpression(s); got != want {
			t.Errorf("spdxExpression(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestSupplier(t *testing.T) {
	for in, want := range map[string]string{
		"GNU Libc Maintainers <debian-glibc@lists.debian.org>": "Organization: GNU Libc Maintainers (debian-glibc@lists.debian.org)",
		"Matthias Klose <doko@debian.org>":                     "Person: Matthias Klose (doko@debian.org)",
		"Janos Lenart":                                         "Person: Janos Lenart",
	} {
		s := supplier(in)
		if got := s.SupplierType + ": " + s.Supplier; got != want {
			t.Errorf("supplier(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzRead: no panic; every package read has a type, name and version.
func FuzzRead(f *testing.F) {
	f.Add([]byte(`{"bomFormat":"CycloneDX","components":[{"type":"library","purl":"pkg:pypi/a@1","components":[{"purl":"pkg:deb/debian/b@1?upstream=c%402"}]}]}`))
	f.Add([]byte(`{"spdxVersion":"SPDX-2.3","packages":[{"SPDXID":"SPDXRef-a","externalRefs":[{"referenceType":"purl","referenceLocator":"pkg:deb/debian/a@1"}]}]}`))
	f.Add([]byte(`{"spdxVersion":"SPDX-2.2","packages":[null]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Read("fuzz.json", data)
		if err != nil {
			return
		}
		for _, p := range doc.Packages {
			if p.Type == "" || p.Name == "" || p.Version == "" {
				t.Fatalf("package %+v", p)
			}
		}
	})
}
