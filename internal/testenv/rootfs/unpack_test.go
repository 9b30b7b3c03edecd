package rootfs

import (
	"archive/tar"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// entry is one member of a synthetic layer.
type entry struct {
	name string
	typ  byte
	mode int64
	body string // content, or link target for links
	gid  int
}

func file(name, body string) entry {
	return entry{name: name, typ: tar.TypeReg, mode: 0o644, body: body}
}
func dir(name string) entry { return entry{name: name, typ: tar.TypeDir, mode: 0o755} }
func symlink(name, target string) entry {
	return entry{name: name, typ: tar.TypeSymlink, mode: 0o777, body: target}
}
func hardlink(name, target string) entry {
	return entry{name: name, typ: tar.TypeLink, mode: 0o644, body: target}
}

var mtime = time.Date(2023, 3, 1, 12, 0, 0, 0, time.UTC)

// writeLayer writes entries as a tarball, gzip-compressed if compress, and returns its path.
func writeLayer(t *testing.T, compress bool, entries ...entry) string {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "layer-*.tar")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var w io.Writer = f
	var gz *gzip.Writer
	if compress {
		gz = gzip.NewWriter(f)
		w = gz
	}
	tw := tar.NewWriter(w)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: e.mode, Gid: e.gid, ModTime: mtime, Format: tar.FormatPAX}
		if e.typ == tar.TypeSymlink || e.typ == tar.TypeLink {
			hdr.Linkname = e.body
		} else if e.typ == tar.TypeReg {
			hdr.Size = int64(len(e.body))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if e.typ == tar.TypeReg {
			if _, err := io.WriteString(tw, e.body); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if gz != nil {
		if err := gz.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return f.Name()
}

func TestUnpackWhiteoutsLinksAndModes(t *testing.T) {
	lower := writeLayer(t, false,
		dir("./"),
		dir("etc/"),
		file("etc/passwd", "root:x:0:0::/root:/bin/sh\n"),
		entry{name: "etc/shadow", typ: tar.TypeReg, mode: 0o640, gid: 42, body: "root:*:1::::::\n"},
		file("usr/bin/tool", "#!/bin/sh\n"), // parents not in the archive
		symlink("bin", "usr/bin"),
		hardlink("usr/bin/tool2", "usr/bin/tool"),
		dir("opt/app/"),
		file("opt/app/old.txt", "old"),
		dir("opt/app/sub/"),
		file("opt/app/sub/deep.txt", "deep"),
		file("var/lib/state", "s"),
		entry{name: "usr/bin/suid", typ: tar.TypeReg, mode: 0o4755, body: "x"},
		entry{name: "tmp/", typ: tar.TypeDir, mode: 0o1777},
		dir("data/"),
		file("data/inner", "i"),
	)
	upper := writeLayer(t, true,
		file("etc/.wh.shadow", ""),
		file("opt/app/new.txt", "new"), // same layer, before the opaque marker: kept
		file("opt/app/.wh..wh..opq", ""),
		file("opt/app/sub/kept.txt", "kept"), // same layer, after it: kept
		file("bin/extra", "through the symlink"),
		file("data", "now a file"),
		file("var/.wh.lib", ""),
		file("nothere/.wh.x", ""), // hides nothing; must not create nothere
	)
	root := t.TempDir()
	if err := Unpack(root, lower, upper); err != nil {
		t.Fatal(err)
	}

	for _, gone := range []string{"etc/shadow", "opt/app/old.txt", "opt/app/sub/deep.txt", "var/lib", "nothere"} {
		if _, err := os.Lstat(filepath.Join(root, gone)); !os.IsNotExist(err) {
			t.Errorf("%s should not exist (err=%v)", gone, err)
		}
	}
	for name, want := range map[string]string{
		"etc/passwd":           "root:x:0:0::/root:/bin/sh\n",
		"opt/app/new.txt":      "new",
		"opt/app/sub/kept.txt": "kept",
		"usr/bin/extra":        "through the symlink",
		"data":                 "now a file",
		"usr/bin/tool2":        "#!/bin/sh\n",
	} {
		got, err := os.ReadFile(filepath.Join(root, name))
		if err != nil || string(got) != want {
			t.Errorf("%s = %q, %v; want %q", name, got, err, want)
		}
	}
	if target, err := os.Readlink(filepath.Join(root, "bin")); err != nil || target != "usr/bin" {
		t.Errorf("bin -> %q, %v; want usr/bin", target, err)
	}
	a, errA := os.Stat(filepath.Join(root, "usr/bin/tool"))
	b, errB := os.Stat(filepath.Join(root, "usr/bin/tool2"))
	if errA != nil || errB != nil || !os.SameFile(a, b) {
		t.Errorf("usr/bin/tool2 is not a hard link of usr/bin/tool (%v, %v)", errA, errB)
	}
	for name, want := range map[string]fs.FileMode{
		".":            fs.ModeDir | 0o755,
		"usr/bin/suid": fs.ModeSetuid | 0o755,
		"tmp":          fs.ModeDir | fs.ModeSticky | 0o777,
		"usr":          fs.ModeDir | 0o755, // created for usr/bin/tool
	} {
		fi, err := os.Lstat(filepath.Join(root, name))
		if err != nil || fi.Mode() != want {
			t.Errorf("mode of %s = %v, %v; want %v", name, fi.Mode(), err, want)
		}
	}
	for _, name := range []string{"etc/passwd", "tmp"} { // the upper layer changed etc
		fi, err := os.Lstat(filepath.Join(root, name))
		if err != nil || !fi.ModTime().Equal(mtime) {
			t.Errorf("mtime of %s = %v, %v; want %v", name, fi.ModTime(), err, mtime)
		}
	}
	if os.Geteuid() == 0 {
		if err := Unpack(root, writeLayer(t, false, entry{name: "etc/group", typ: tar.TypeReg, mode: 0o640, gid: 42})); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(filepath.Join(root, "etc/group"))
		if err != nil || fi.Sys().(*syscall.Stat_t).Gid != 42 {
			t.Errorf("etc/group: gid not kept (%v)", err)
		}
	}
}

func TestUnpackRefusesEscapes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		entries []entry
		wantErr string
	}{
		{"dot-dot", []entry{file("../evil", "x")}, "escapes"},
		{"inner dot-dot", []entry{file("a/../../evil", "x")}, "escapes"},
		{"absolute", []entry{file("/evil", "x")}, "absolute"},
		{"hard link out", []entry{hardlink("h", "../outside/keep")}, "escapes"},
		{"absolute hard link", []entry{hardlink("h", "/etc/passwd")}, "absolute"},
		{"whiteout of parent", []entry{dir("a/"), file("a/.wh..", "")}, "whiteout"},
		{"hard link through symlink", []entry{symlink("esc", "../outside"), hardlink("h", "esc/keep")}, "no such file"},
		// Symbolic links are resolved inside the root: these unpack, but inside.
		{"relative symlink", []entry{symlink("up", "../../outside"), file("up/pwned", "x")}, ""},
		{"absolute symlink", []entry{symlink("abs", "/"), file("abs/outside/pwned", "x")}, ""},
		{"whiteout through symlink", []entry{symlink("up", "../outside"), file("up/.wh.keep", "")}, ""},
		{"symlink loop", []entry{symlink("loop", "loop"), file("loop/x", "x")}, "too many levels"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := t.TempDir()
			root, outside := filepath.Join(base, "root"), filepath.Join(base, "outside")
			for _, d := range []string{root, outside} {
				if err := os.Mkdir(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(outside, "keep"), []byte("keep"), 0o644); err != nil {
				t.Fatal(err)
			}
			err := Unpack(root, writeLayer(t, false, tc.entries...))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Unpack: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("Unpack error = %v, want one containing %q", err, tc.wantErr)
			}
			names, err := os.ReadDir(outside)
			if err != nil || len(names) != 1 || names[0].Name() != "keep" {
				t.Fatalf("outside the root changed: %v %v", names, err)
			}
			if fi, err := os.Stat(filepath.Join(outside, "keep")); err != nil || fi.Sys().(*syscall.Stat_t).Nlink != 1 {
				t.Fatalf("outside/keep was linked to: %v", err)
			}
			if _, err := os.Stat(filepath.Join(base, "evil")); err == nil {
				t.Fatal("wrote beside the root")
			}
			if tc.wantErr == "" && strings.Contains(tc.name, "symlink") && !strings.Contains(tc.name, "whiteout") {
				if _, err := os.Stat(filepath.Join(root, "outside", "pwned")); err != nil {
					t.Fatalf("entry did not land inside the root: %v", err)
				}
			}
		})
	}
}

func TestUnpackRejectsZstd(t *testing.T) {
	layer := filepath.Join(t.TempDir(), "layer")
	if err := os.WriteFile(layer, []byte{0x28, 0xb5, 0x2f, 0xfd, 0}, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Unpack(t.TempDir(), layer); err == nil || !strings.Contains(err.Error(), "zstd") {
		t.Fatalf("Unpack = %v, want a zstd error", err)
	}
}
