package image

import (
	"archive/tar"
	"bytes"
	"path"
	"strings"
	"testing"
)

// rawTar is an uncompressed tar of entries (see tf).
func rawTar(entries ...tf) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Mode: 0o644, Typeflag: tar.TypeReg, Size: int64(len(e.data))}
		switch {
		case strings.HasSuffix(e.name, "/"):
			hdr.Typeflag, hdr.Size = tar.TypeDir, 0
		case strings.Contains(e.name, " -> "):
			hdr.Name, hdr.Linkname, _ = strings.Cut(e.name, " -> ")
			hdr.Typeflag, hdr.Size = tar.TypeSymlink, 0
		case strings.Contains(e.name, " => "):
			hdr.Name, hdr.Linkname, _ = strings.Cut(e.name, " => ")
			hdr.Typeflag, hdr.Size = tar.TypeLink, 0
		}
		tw.WriteHeader(hdr)
		tw.Write([]byte(e.data))
	}
	tw.Close()
	return buf.Bytes()
}

// FuzzBaseLayers applies two arbitrary layers and resolves paths in the result: no panic, no
// endless symlink loop, only clean absolute paths, and account files parsed without panic.
func FuzzBaseLayers(f *testing.F) {
	f.Add(rawTar(tf{name: "etc/"}, tf{name: "etc/passwd", data: basePasswd}, tf{name: "usr/bin/python3 -> python3.11"}, tf{name: "usr/bin/python3.11", data: "x"}),
		rawTar(tf{name: "etc/.wh.passwd"}, tf{name: "usr/.wh..wh..opq"}, tf{name: "etc/group", data: baseGroup}))
	f.Add(rawTar(tf{name: "a -> b"}, tf{name: "b -> a"}, tf{name: "../../etc/passwd", data: "root:x:0:0"}),
		rawTar(tf{name: "c => etc/passwd"}, tf{name: "./etc/passwd/x", data: ""}, tf{name: "/abs -> /../.."}))
	f.Add([]byte{}, []byte("not a tar"))
	f.Fuzz(func(t *testing.T, lower, upper []byte) {
		fs := &baseFS{files: map[string]*entry{"/": {hdr: tar.Header{Typeflag: tar.TypeDir}}}}
		for _, l := range [][]byte{lower, upper} {
			if err := fs.apply(tar.NewReader(bytes.NewReader(l)), wantedFile); err != nil {
				return
			}
		}
		for p := range fs.files {
			if !path.IsAbs(p) || path.Clean(p) != p {
				t.Fatalf("path %q is not clean and absolute", p)
			}
			if final, e, err := fs.resolve(p); err == nil && fs.files[final] != e {
				t.Fatalf("resolve(%q) = %q, not that path's entry", p, final)
			}
		}
		fs.resolve("/usr/bin/python3.11")
		checkPython(fs, "/usr/bin/python3.11", "3.11.2")
		userFiles(fs, account{user: "horizon", group: "horizon", uid: 42424, gid: 42424, home: "/var/lib/horizon", shell: "/usr/sbin/nologin"})
	})
}
