package layer

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"testing"
)

func content(s string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }
}

func fixture() []File {
	return []File{
		{Path: "/var/lib/openstack/bin/tool", Mode: 0o700, Size: 5, Open: content("#!x\n\n")},
		{Path: "/var/lib/openstack/lib/python3.11/site-packages/a/__init__.py", Mode: 0o600, Size: 3, Open: content("x=1")},
		{Path: "/var/lib/openstack/lib64", Symlink: "lib"},
	}
}

// Golden digest: the layer format (tar layout, gzip implementation and level) is part of every
// image's identity; a change here must be deliberate.
func TestWriteGolden(t *testing.T) {
	var buf bytes.Buffer
	d, err := Write(&buf, fixture(), 0)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(buf.Bytes())
	if d.Digest != "sha256:"+hex.EncodeToString(sum[:]) || d.Size != int64(buf.Len()) {
		t.Errorf("descriptor %+v does not describe the bytes written", d)
	}
	const golden = "sha256:596dd1ab0d96f1612e51eb5fac6ec35dd7a0f334760961f02bfe80429784730d"
	if d.Digest != golden {
		t.Errorf("digest %s, golden %s", d.Digest, golden)
	}
}

func TestWriteIsDeterministicAndNormalised(t *testing.T) {
	var a, b bytes.Buffer
	files := fixture()
	da, err := Write(&a, files, 1700000000)
	if err != nil {
		t.Fatal(err)
	}
	// Same files in another order give the same bytes.
	db, err := Write(&b, []File{files[2], files[0], files[1]}, 1700000000)
	if err != nil {
		t.Fatal(err)
	}
	if da != db || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("order of input changed the layer")
	}
	zr, err := gzip.NewReader(&a)
	if err != nil {
		t.Fatal(err)
	}
	if zr.Header.Name != "" || !zr.Header.ModTime.IsZero() {
		t.Errorf("gzip header carries name %q / mtime %v", zr.Header.Name, zr.Header.ModTime)
	}
	tr := tar.NewReader(zr)
	var got []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" || h.ModTime.Unix() != 1700000000 || len(h.PAXRecords) != 0 || len(h.Xattrs) != 0 {
			t.Errorf("%s: uid %d gid %d uname %q mtime %v pax %v", h.Name, h.Uid, h.Gid, h.Uname, h.ModTime, h.PAXRecords)
		}
		got = append(got, h.Name+" "+strings.TrimLeft(string(rune('0'+h.Typeflag-'0')), "\x00")+" "+modeString(h.Mode))
	}
	want := []string{
		"var/ 5 755", "var/lib/ 5 755", "var/lib/openstack/ 5 755", "var/lib/openstack/bin/ 5 755",
		"var/lib/openstack/bin/tool 0 755", "var/lib/openstack/lib/ 5 755", "var/lib/openstack/lib/python3.11/ 5 755",
		"var/lib/openstack/lib/python3.11/site-packages/ 5 755", "var/lib/openstack/lib/python3.11/site-packages/a/ 5 755",
		"var/lib/openstack/lib/python3.11/site-packages/a/__init__.py 0 644", "var/lib/openstack/lib64 2 777",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func modeString(m int64) string {
	const digits = "01234567"
	return string([]byte{digits[m>>6&7], digits[m>>3&7], digits[m&7]})
}

func TestWriteRejects(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []File
		want  string
	}{
		{"relative path", []File{{Path: "var/x", Size: 0, Open: content("")}}, "absolute, clean"},
		{"unclean path", []File{{Path: "/var/../x", Size: 0, Open: content("")}}, "absolute, clean"},
		{"duplicate", []File{{Path: "/x", Size: 1, Open: content("a")}, {Path: "/x", Size: 1, Open: content("b")}}, "given twice"},
		{"file as parent", []File{{Path: "/x", Size: 1, Open: content("a")}, {Path: "/x/y", Size: 1, Open: content("b")}}, "is not a directory"},
		{"short content", []File{{Path: "/x", Size: 5, Open: content("a")}}, "content is 1 bytes, declared 5"},
		{"long content", []File{{Path: "/x", Size: 1, Open: content("abc")}}, "longer than the 1 bytes declared"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Write(io.Discard, tc.files, 0)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
