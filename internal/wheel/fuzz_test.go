package wheel

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"path"
	"strings"
	"testing"
)

// FuzzOpen feeds arbitrary archives to Open. Open must not panic and must
// fail with an *Error; when it succeeds, Install must either emit files that
// all lie under the scheme's directories and read back as exactly Size
// bytes, or fail with an *Error (two files placed at one path) before
// emitting anything.
func FuzzOpen(f *testing.F) {
	stored := func(files []zfile) []zfile {
		out := make([]zfile, len(files))
		for i, z := range files {
			z.tweak = storeMethod
			out[i] = z
		}
		return out
	}
	f.Add(zipBytes(f, withRecord(demoFiles())))
	f.Add(zipBytes(f, stored(withRecord(demoFiles()))))
	for _, s := range syntheticWheels() {
		f.Add(zipBytes(f, s.files))
		f.Add(zipBytes(f, stored(s.files)))
	}
	for _, c := range openCases {
		if data := zipBytes(f, c.files); len(data) < 1<<14 {
			f.Add(data)
		}
	}
	f.Fuzz(checkArchive)
}

// FuzzWheelParts builds well-formed archives, with a RECORD that matches,
// from fuzzed entry names, modes and dist-info texts, so the fuzzer reaches
// the checks that random archive bytes rarely get past (CRCs and hashes).
// The invariants are FuzzOpen's.
func FuzzWheelParts(f *testing.F) {
	f.Add("demo/a.py\ndemo-1.0.data/scripts/tool\ndemo-1.0.data/headers/x.h", uint32(0o100755), "#!python -u\nx\n",
		"[console_scripts]\ntool2 = demo:main [x]\n[gui_scripts]\ng = demo.a:B.c\n", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\n")
	f.Add("demo-1.0.data/data/bin/tool\ndemo-1.0.data/purelib/demo/a.py\ndemo/a.py", uint32(0o644), "", "[console_scripts]\ntool = demo:main\n",
		"Wheel-Version: 1.1\nRoot-Is-Purelib: false\n")
	f.Add("demo/../x\n/abs\ndemo\\x\ndemo/a/\ndemo/a/b", uint32(0o120777), "#!pythonw", "[console_scripts]\npip = demo:main\neasy_install = x:y\n",
		"Wheel-Version: 2.0\n")
	f.Fuzz(func(t *testing.T, names string, mode uint32, content, entryPoints, wheelText string) {
		files := demoFiles()
		files[2].data = wheelText
		for i, name := range strings.Split(names, "\n") {
			if i > 20 {
				break
			}
			files = append(files, zfile{name: name, data: content, mode: mode})
		}
		files = append(files, zfile{name: "demo-1.0.dist-info/entry_points.txt", data: entryPoints})
		var data []byte
		func() {
			// zip.Writer refuses some names and sizes; those are not inputs.
			defer func() { _ = recover() }()
			data = zipBytes(panicTB{t}, withRecord(files))
		}()
		if data != nil {
			checkArchive(t, data)
		}
	})
}

// panicTB turns zipBytes' t.Fatal into a panic that FuzzWheelParts recovers.
type panicTB struct{ testing.TB }

func (panicTB) Helper()           {}
func (panicTB) Fatal(args ...any) { panic(args) }

// checkArchive is the property both fuzz targets check.
func checkArchive(t *testing.T, data []byte) {
	sum := sha256.Sum256(data)
	// open is Open after os.Open; skipping the file keeps the fuzzer fast.
	cfg := openConfig{filename: demoWheel, maxRatio: DefaultMaxRatio, maxTotal: 1 << 22}
	w, err := open(bytes.NewReader(data), int64(len(data)), hex.EncodeToString(sum[:]), cfg)
	var we *Error
	if err != nil {
		if !errors.As(err, &we) {
			t.Fatalf("Open error %v is not a *wheel.Error", err)
		}
		return
	}
	s := VenvScheme("/venv", "3.11", "demo")
	dirs := []string{s.Prefix, s.Purelib, s.Platlib, s.Scripts, s.Headers}
	emitted := 0
	err = w.Install(s, Options{Installer: "fuzz", Requested: true}, func(e Entry) error {
		emitted++
		under := false
		for _, d := range dirs {
			under = under || strings.HasPrefix(e.Path, d+"/")
		}
		if !under || path.Clean(e.Path) != e.Path || e.Dir || (e.Mode != 0o644 && e.Mode != 0o755) {
			t.Fatalf("entry %q mode %#o is not a file under the scheme", e.Path, e.Mode)
		}
		rc, err := e.Open()
		if err != nil {
			t.Fatalf("%s: %v", e.Path, err)
		}
		defer rc.Close()
		n, err := io.Copy(io.Discard, rc)
		if err != nil || n != e.Size {
			t.Fatalf("%s: read %d bytes (%v), Size %d", e.Path, n, err, e.Size)
		}
		return nil
	})
	if err != nil && (!errors.As(err, &we) || emitted != 0) {
		t.Fatalf("Install after a successful Open: %v (%d entries emitted)", err, emitted)
	}
}
