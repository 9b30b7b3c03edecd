package wheel

import (
	"archive/zip"
	"errors"
	"hash/crc32"
	"strconv"
	"strings"
	"testing"
)

const demoWheel = "demo-1.0-py3-none-any.whl"

// replace returns files with the named file's data set to data (added if absent).
func replace(files []zfile, name, data string) []zfile {
	out := make([]zfile, 0, len(files)+1)
	found := false
	for _, f := range files {
		if f.name == name {
			f.data, found = data, true
		}
		out = append(out, f)
	}
	if !found {
		out = append(out, zfile{name: name, data: data})
	}
	return out
}

// demoRecordTail is the RECORD rows of the demo wheel's dist-info files.
func demoRecordTail() string {
	files := demoFiles()
	return recordLine(files[1].name, files[1].data) + recordLine(files[2].name, files[2].data) + "demo-1.0.dist-info/RECORD,,\n"
}

// badRecord returns the demo wheel (plus extra files) with RECORD set to
// head followed by correct rows for the dist-info files.
func badRecord(head string, extra ...zfile) []zfile {
	return replace(demoFiles(extra...), "demo-1.0.dist-info/RECORD", head+demoRecordTail())
}

// openCases are archives Open must refuse, each with the entry the error names.
var openCases = []struct {
	name  string
	files []zfile
	opts  []OpenOption
	entry string // "" when the error is about the wheel as a whole
	want  string
}{
	{"parent traversal", withRecord(demoFiles(zfile{name: "../evil.py"})), nil, "../evil.py", `path component ".."`},
	{"inner traversal", withRecord(demoFiles(zfile{name: "demo/../../evil.py"})), nil, "demo/../../evil.py", `path component ".."`},
	{"absolute path", withRecord(demoFiles(zfile{name: "/etc/evil"})), nil, "/etc/evil", "absolute path"},
	{"backslash", withRecord(demoFiles(zfile{name: `demo\..\..\evil.py`})), nil, `demo\..\..\evil.py`, "backslash"},
	{"dot component", withRecord(demoFiles(zfile{name: "demo/./x.py"})), nil, "demo/./x.py", `path component "."`},
	{"empty component", withRecord(demoFiles(zfile{name: "demo//x.py"})), nil, "demo//x.py", `path component ""`},
	{"control character", withRecord(demoFiles(zfile{name: "demo/a\nb.py"})), nil, "demo/a\nb.py", "control character"},
	{"symlink", withRecord(demoFiles(zfile{name: "demo/passwd", data: "../../../etc/passwd", mode: 0o120777})), nil, "demo/passwd", "symbolic link"},
	{"symlink directory", withRecord(demoFiles(zfile{name: "demo/etc/", mode: 0o120777})), nil, "demo/etc/", "symbolic link"},
	{"device", withRecord(demoFiles(zfile{name: "demo/dev", mode: 0o020644})), nil, "demo/dev", "not a regular file"},
	{"directory mode without slash", withRecord(demoFiles(zfile{name: "demo/sub", mode: 0o040755})), nil, "demo/sub", "not a regular file"},
	{"duplicate", withRecord(demoFiles(zfile{name: "demo/__init__.py", data: "x = 1\n"})), nil, "demo/__init__.py", "duplicate entry"},
	{"duplicate directory", withRecord(demoFiles(zfile{name: "demo/"}, zfile{name: "demo/"})), nil, "demo/", "duplicate entry"},
	{"file and directory", withRecord(demoFiles(zfile{name: "demo/__init__.py/x"})), nil, "demo/__init__.py", "both a file and the directory"},
	{"file and directory entry", withRecord(demoFiles(zfile{name: "demo/__init__.py/"})), nil, "demo/__init__.py", "both a file and a directory"},
	{"name not marked UTF-8", withRecord(demoFiles(zfile{name: "demo/café.py", tweak: func(h *zip.FileHeader) { h.NonUTF8 = true }})), nil, "demo/café.py", "UTF-8 flag"},
	{"encrypted", withRecord(demoFiles(zfile{name: "demo/secret.py", tweak: func(h *zip.FileHeader) { h.Flags |= 1 }})), nil, "demo/secret.py", "encrypted"},

	{"unlisted file", withRecord(demoFiles(), "demo/__init__.py"), nil, "demo/__init__.py", "not listed in RECORD"},
	{"hash mismatch", badRecord(recordLine("demo/__init__.py", "x = 2\n")), nil, "demo/__init__.py", "does not match its RECORD hash"},
	{"size mismatch", badRecord(strings.Replace(recordLine("demo/__init__.py", "x = 1\n"), ",6\n", ",7\n", 1)), nil, "demo/__init__.py", "RECORD size 7"},
	{"size not a number", badRecord(strings.Replace(recordLine("demo/__init__.py", "x = 1\n"), ",6\n", ",+6\n", 1)), nil, "demo/__init__.py", "not a number"},
	{"md5", badRecord("demo/__init__.py,md5=gQnWvDi8aPj_eEyCYbLrYQ,6\n"), nil, "demo/__init__.py", `algorithm "md5" is not allowed`},
	{"sha1", badRecord("demo/__init__.py,sha1=4FTMAXgQ0Ss1bQcBQIYRjJFhaEs,6\n"), nil, "demo/__init__.py", `algorithm "sha1" is not allowed`},
	{"no hash", badRecord("demo/__init__.py,,6\n"), nil, "demo/__init__.py", "not algorithm=digest"},
	{"bad base64", badRecord("demo/__init__.py,sha256=***,6\n"), nil, "demo/__init__.py", "not an urlsafe-base64"},
	{"listed but absent", badRecord(recordLine("demo/__init__.py", "x = 1\n") + recordLine("demo/ghost.py", "")), nil, "demo/ghost.py", "not in the wheel"},
	{"listed twice", badRecord(recordLine("demo/__init__.py", "x = 1\n") + recordLine("demo/__init__.py", "x = 1\n")), nil, "demo/__init__.py", "listed twice"},
	{"two fields", badRecord("demo/__init__.py,sha256=x\n"), nil, "demo-1.0.dist-info/RECORD", "line 1: 2 fields"},
	{"blank line", badRecord(recordLine("demo/__init__.py", "x = 1\n") + "\n"), nil, "demo-1.0.dist-info/RECORD", "line 2: 0 fields"},
	{"unterminated quote", badRecord(`"demo/__init__.py,sha256=x,6` + "\n"), nil, "demo-1.0.dist-info/RECORD", "unterminated"},
	{"RECORD not UTF-8", badRecord("demo/\xff.py,,\n"), nil, "demo-1.0.dist-info/RECORD", "not UTF-8"},
	{"RECORD hashes itself", replace(demoFiles(), "demo-1.0.dist-info/RECORD", recordLine("demo/__init__.py", "x = 1\n")+strings.Replace(demoRecordTail(), "RECORD,,", "RECORD,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0", 1)), nil, "demo-1.0.dist-info/RECORD", "for itself"},
	{"no RECORD", demoFiles(), nil, "demo-1.0.dist-info/RECORD", "missing"},
	{"directory entry and row", badRecord(recordLine("demo/__init__.py", "x = 1\n")+"demo/,,\n", zfile{name: "demo/"}), nil, "", ""}, // valid
	{"directory row with hash", badRecord(recordLine("demo/__init__.py", "x = 1\n")+recordLine("demo/", ""), zfile{name: "demo/"}), nil, "demo/", "hash or size for a directory"},
	{"directory row without entry", badRecord(recordLine("demo/__init__.py", "x = 1\n") + "demo/,,\n"), nil, "demo/", "not in the wheel"},

	// The rows match the declared sizes, so the lie shows only when reading.
	{"declared size too small", badRecord(recordLine("demo/__init__.py", "x = 1\n")+recordLine("demo/big.py", "012345678"), rawStored("demo/big.py", "0123456789", 9)), nil, "demo/big.py", "read"},
	{"declared size too large", badRecord(recordLine("demo/__init__.py", "x = 1\n")+recordLine("demo/big.py", "0123456789\x00"), rawStored("demo/big.py", "0123456789", 11)), nil, "demo/big.py", "read"},
	{"compression ratio", withRecord(demoFiles(zfile{name: "demo/zeros.bin", data: strings.Repeat("\x00", 2<<20)})), nil, "demo/zeros.bin", "compression ratio"},
	{"ratio limit option", withRecord(demoFiles(zfile{name: "demo/text.txt", data: strings.Repeat("abcdefgh", 1<<18)})), []OpenOption{MaxRatio(10)}, "demo/text.txt", "exceeds 10:1"},
	{"total size", withRecord(demoFiles(zfile{name: "demo/data.txt", data: strings.Repeat("a", 200)})), []OpenOption{MaxTotal(150)}, "demo/data.txt", "more than 150 bytes"},

	{"no Wheel-Version", withRecord(replace(demoFiles(), "demo-1.0.dist-info/WHEEL", "Root-Is-Purelib: true\n")), nil, "demo-1.0.dist-info/WHEEL", "no Wheel-Version"},
	{"Wheel-Version 2.0", withRecord(replace(demoFiles(), "demo-1.0.dist-info/WHEEL", "Wheel-Version: 2.0\nRoot-Is-Purelib: true\n")), nil, "demo-1.0.dist-info/WHEEL", "not supported"},
	{"Wheel-Version garbage", withRecord(replace(demoFiles(), "demo-1.0.dist-info/WHEEL", "Wheel-Version: 1.x\nRoot-Is-Purelib: true\n")), nil, "demo-1.0.dist-info/WHEEL", "invalid Wheel-Version"},
	{"Wheel-Version after body", withRecord(replace(demoFiles(), "demo-1.0.dist-info/WHEEL", "Root-Is-Purelib: true\nnot a header\nWheel-Version: 1.0\n")), nil, "demo-1.0.dist-info/WHEEL", "no Wheel-Version"},
	{"Root-Is-Purelib maybe", withRecord(replace(demoFiles(), "demo-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: maybe\n")), nil, "demo-1.0.dist-info/WHEEL", "want true or false"},
	{"no Root-Is-Purelib", withRecord(replace(demoFiles(), "demo-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\n")), nil, "demo-1.0.dist-info/WHEEL", "want true or false"},
	{"WHEEL not UTF-8", withRecord(replace(demoFiles(), "demo-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nX: \xff\n")), nil, "demo-1.0.dist-info/WHEEL", "not UTF-8"},
	{"no WHEEL", withRecord(demoFiles()[:2]), nil, "demo-1.0.dist-info/WHEEL", "missing"},
	{"no METADATA", withRecord([]zfile{demoFiles()[0], demoFiles()[2]}), nil, "demo-1.0.dist-info/METADATA", "missing"},
	{"METADATA without Name", withRecord(replace(demoFiles(), "demo-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nVersion: 1.0\n")), nil, "demo-1.0.dist-info/METADATA", "Name"},
	{"METADATA other name", withRecord(replace(demoFiles(), "demo-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: other\nVersion: 1.0\n")), nil, "demo-1.0.dist-info/METADATA", "do not match"},
	{"METADATA other version", withRecord(replace(demoFiles(), "demo-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: demo\nVersion: 1.0.1\n")), nil, "demo-1.0.dist-info/METADATA", "do not match"},

	{"no dist-info", []zfile{{name: "demo/__init__.py"}}, nil, "", ".dist-info directory not found"},
	{"two dist-infos", withRecord(demoFiles(zfile{name: "extra-1.0.dist-info/METADATA", data: "Name: extra\n"})), nil, "extra-1.0.dist-info", "more than one .dist-info"},
	{"dist-info of another project", withRecord(renameInfo(demoFiles(), "other-1.0.dist-info")), nil, "other-1.0.dist-info", "not the .dist-info directory of demo 1.0"},
	{"dist-info of another version", withRecord(renameInfo(demoFiles(), "demo-2.0.dist-info")), nil, "demo-2.0.dist-info", "not the .dist-info directory"},
	{"two data directories", withRecord(demoFiles(zfile{name: "demo-1.0.data/data/a"}, zfile{name: "demo_x-1.0.data/data/b"})), nil, "demo_x-1.0.data", "more than one .data"},
	{"data of another project", withRecord(demoFiles(zfile{name: "other-1.0.data/data/a"})), nil, "other-1.0.data", "not the .data directory"},
	{"unknown data key", withRecord(demoFiles(zfile{name: "demo-1.0.data/lib/a"})), nil, "demo-1.0.data/lib/a", `unknown .data scheme key "lib"`},
	{"data file without key", withRecord(demoFiles(zfile{name: "demo-1.0.data/a"})), nil, "demo-1.0.data/a", "under <scheme key>/"},
	{"INSTALLER in wheel", withRecord(demoFiles(zfile{name: "demo-1.0.dist-info/INSTALLER", data: "pip\n"})), nil, "demo-1.0.dist-info/INSTALLER", "installer writes"},
	{"REQUESTED in wheel", withRecord(demoFiles(zfile{name: "demo-1.0.dist-info/REQUESTED"})), nil, "demo-1.0.dist-info/REQUESTED", "installer writes"},

	{"entry point without callable", withEntryPoints("[console_scripts]\nx = demo\n"), nil, "demo-1.0.dist-info/entry_points.txt", "no callable suffix"},
	{"entry point two colons", withEntryPoints("[console_scripts]\nx = demo:a:b\n"), nil, "demo-1.0.dist-info/entry_points.txt", "more than one colon"},
	{"entry point path name", withEntryPoints("[console_scripts]\n../x = demo:main\n"), nil, "demo-1.0.dist-info/entry_points.txt", "not a plain file name"},
	{"entry point slash name", withEntryPoints("[gui_scripts]\nsub/x = demo:main\n"), nil, "demo-1.0.dist-info/entry_points.txt", "not a plain file name"},
	{"entry point bad extras", withEntryPoints("[console_scripts]\nx = demo:main [a b]\n"), nil, "demo-1.0.dist-info/entry_points.txt", "invalid extras"},
	{"entry point non-ASCII", withEntryPoints("[console_scripts]\nx = demo:maín\n"), nil, "demo-1.0.dist-info/entry_points.txt", "not an object reference"},
	{"entry point without =", withEntryPoints("[other]\njust text\n"), nil, "demo-1.0.dist-info/entry_points.txt", "line 2"},
	{"console and gui script", withEntryPoints("[console_scripts]\nx = demo:a\n[gui_scripts]\nx = demo:b\n"), nil, "demo-1.0.dist-info/entry_points.txt", "both a console and a GUI script"},
	{"filename", withRecord(demoFiles()), []OpenOption{Filename("demo.whl")}, "", "invalid wheel filename"},
}

func rawStored(name, data string, declared uint64) zfile {
	return zfile{name: name, data: data, raw: &zip.FileHeader{Name: name, Method: zip.Store, CRC32: crc32.ChecksumIEEE([]byte(data)),
		CompressedSize64: uint64(len(data)), UncompressedSize64: declared, ExternalAttrs: 0o100644 << 16, CreatorVersion: 3 << 8}}
}

func renameInfo(files []zfile, info string) []zfile {
	out := make([]zfile, len(files))
	for i, f := range files {
		f.name = strings.Replace(f.name, "demo-1.0.dist-info", info, 1)
		out[i] = f
	}
	return out
}

func withEntryPoints(text string) []zfile {
	return withRecord(demoFiles(zfile{name: "demo-1.0.dist-info/entry_points.txt", data: text}))
}

// TestOpenRejects checks every malformed archive fails in Open with an
// *Error naming the wheel and the entry at fault.
func TestOpenRejects(t *testing.T) {
	for _, c := range openCases {
		t.Run(c.name, func(t *testing.T) {
			path, sum := writeWheel(t, t.TempDir(), demoWheel, c.files)
			w, err := Open(path, sum, c.opts...)
			if c.want == "" && c.entry == "" {
				if err != nil {
					t.Fatalf("valid wheel refused: %v", err)
				}
				w.Close()
				return
			}
			if err == nil {
				w.Close()
				t.Fatal("Open succeeded")
			}
			var we *Error
			if !errors.As(err, &we) {
				t.Fatalf("error %v is not a *wheel.Error", err)
			}
			wheelName := demoWheel
			for _, o := range c.opts {
				var cfg openConfig
				if o(&cfg); cfg.filename != "" {
					wheelName = cfg.filename
				}
			}
			if we.Wheel != wheelName || we.Entry != c.entry {
				t.Errorf("error names wheel %q entry %q, want %q %q: %v", we.Wheel, we.Entry, wheelName, c.entry, err)
			}
			if msg := err.Error(); !strings.Contains(msg, wheelName) || !strings.Contains(msg, c.want) || c.entry != "" && !strings.Contains(msg, strconv.Quote(c.entry)) {
				t.Errorf("error %q should name %s, %q and say %q", msg, wheelName, c.entry, c.want)
			}
		})
	}
}

func TestOpenChecksFileHash(t *testing.T) {
	path, sum := writeWheel(t, t.TempDir(), demoWheel, withRecord(demoFiles()))
	wrong := strings.Repeat("0", 64)
	_, err := Open(path, wrong)
	if err == nil || !strings.Contains(err.Error(), demoWheel) || !strings.Contains(err.Error(), wrong) || !strings.Contains(err.Error(), sum) {
		t.Fatalf("error %v should name the wheel, the expected and the actual sha256", err)
	}
	w, err := Open(path, strings.ToUpper(sum))
	if err != nil {
		t.Fatalf("upper-case hex refused: %v", err)
	}
	w.Close()
}

// TestInstallRejects checks that layouts that only fail once the scheme is
// known stop Install before it emits anything.
func TestInstallRejects(t *testing.T) {
	scheme := VenvScheme("/venv", "3.11", "demo")
	cases := []struct {
		name   string
		files  []zfile
		scheme Scheme
		opts   Options
		entry  string
		want   string
	}{
		{"purelib twice", withRecord(demoFiles(zfile{name: "demo-1.0.data/purelib/demo/__init__.py"})), scheme, Options{Installer: "x"}, "demo-1.0.data/purelib/demo/__init__.py", "as demo/__init__.py does"},
		{"file over site-packages", withRecord(demoFiles(zfile{name: "demo-1.0.data/data/lib"})), scheme, Options{Installer: "x"}, "demo-1.0.data/data/lib", "makes /venv/lib both a file and the directory"},
		{"file over launcher", withRecord(demoFiles(zfile{name: "demo-1.0.data/data/bin/tool"}, zfile{name: "demo-1.0.dist-info/entry_points.txt", data: "[console_scripts]\ntool = demo:main\n"})), scheme, Options{Installer: "x"}, "demo-1.0.data/data/bin/tool", "as the generated tool does"},
		{"file over INSTALLER", withRecord(demoFiles(zfile{name: "demo-1.0.data/purelib/demo-1.0.dist-info/INSTALLER"})), scheme, Options{Installer: "x"}, "demo-1.0.data/purelib/demo-1.0.dist-info/INSTALLER", "as the generated INSTALLER does"},
		{"file over RECORD", withRecord(demoFiles(zfile{name: "demo-1.0.data/platlib/demo-1.0.dist-info/RECORD"})), scheme, Options{Installer: "x"}, "demo-1.0.data/platlib/demo-1.0.dist-info/RECORD", "as the rewritten RECORD does"},
		{"relative scheme", withRecord(demoFiles()), Scheme{Prefix: "venv", Purelib: "/p", Platlib: "/p", Scripts: "/s", Headers: "/h", Python: "/p/python"}, Options{Installer: "x"}, "", "scheme Prefix"},
		{"unclean scheme", withRecord(demoFiles()), Scheme{Prefix: "/v", Purelib: "/v/lib/../lib", Platlib: "/p", Scripts: "/s", Headers: "/h", Python: "/p/python"}, Options{Installer: "x"}, "", "scheme Purelib"},
		{"no Python", withRecord(demoFiles()), Scheme{Prefix: "/v", Purelib: "/p", Platlib: "/p", Scripts: "/s", Headers: "/h"}, Options{Installer: "x"}, "", "scheme Python"},
		{"no installer", withRecord(demoFiles()), scheme, Options{}, "", "installer name"},
		{"pip without Python version", withEntryPoints("[console_scripts]\npip = demo:main\n"), Scheme{Prefix: "/v", Purelib: "/p", Platlib: "/p", Scripts: "/s", Headers: "/h", Python: "/p/python"}, Options{Installer: "x"}, "demo-1.0.dist-info/entry_points.txt", "PythonVersion"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path, sum := writeWheel(t, t.TempDir(), demoWheel, c.files)
			w, err := Open(path, sum)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			emitted := 0
			err = w.Install(c.scheme, c.opts, func(Entry) error { emitted++; return nil })
			var we *Error
			if err == nil || !errors.As(err, &we) || we.Entry != c.entry || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), demoWheel) {
				t.Fatalf("error %v, want one naming %s and entry %q saying %q", err, demoWheel, c.entry, c.want)
			}
			if emitted != 0 {
				t.Errorf("%d entries emitted before the error", emitted)
			}
		})
	}
}
