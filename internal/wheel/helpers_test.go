package wheel

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// zfile is one entry of a synthetic wheel.
type zfile struct {
	name string
	data string
	mode uint32 // Unix mode with type bits; 0 means 0o100644
	// tweak, when set, edits the header before it is written (flags, names
	// not marked UTF-8, stored instead of deflated).
	tweak func(*zip.FileHeader)
	// raw, when set, is written as is with CreateRaw (for an entry that lies
	// about its size); data is then the stored content.
	raw *zip.FileHeader
}

// demoFiles are the dist-info files of a minimal valid wheel "demo 1.0".
func demoFiles(extra ...zfile) []zfile {
	return append([]zfile{
		{name: "demo/__init__.py", data: "x = 1\n"},
		{name: "demo-1.0.dist-info/METADATA", data: "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"},
		{name: "demo-1.0.dist-info/WHEEL", data: "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"},
	}, extra...)
}

// recordLine is a RECORD row for content with a sha256 hash.
func recordLine(name, content string) string { return recordLineWith("sha256", name, content) }

// recordLineWith is a RECORD row with a hash of the given algorithm, the
// name quoted as csv would.
func recordLineWith(algo, name, content string) string {
	h := digest{algo: algo}.newHash()
	h.Write([]byte(content))
	if strings.ContainsAny(name, ",\"") {
		name = `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
	}
	return fmt.Sprintf("%s,%s=%s,%d\n", name, algo, base64.RawURLEncoding.EncodeToString(h.Sum(nil)), len(content))
}

// withRecord appends a RECORD listing every file (by sha256) unless files
// already hold one; names in skip are left out.
func withRecord(files []zfile, skip ...string) []zfile {
	info := ""
	for _, f := range files {
		top, rest, _ := strings.Cut(f.name, "/")
		if !strings.HasSuffix(top, ".dist-info") {
			continue
		}
		if rest == "RECORD" {
			return files
		}
		info = top
	}
	var b strings.Builder
	for _, f := range files {
		if !strings.HasSuffix(f.name, "/") && !slices.Contains(skip, f.name) {
			b.WriteString(recordLine(f.name, f.data))
		}
	}
	b.WriteString(info + "/RECORD,,\n")
	return append(files, zfile{name: info + "/RECORD", data: b.String()})
}

// zipBytes builds a zip archive of files in the order given.
func zipBytes(t testing.TB, files []zfile) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		var w io.Writer
		var err error
		if f.raw != nil {
			w, err = zw.CreateRaw(f.raw)
		} else {
			mode := f.mode
			if mode == 0 {
				mode = 0o100644
				if strings.HasSuffix(f.name, "/") {
					mode = 0o040755
				}
			}
			fh := &zip.FileHeader{Name: f.name, Method: zip.Deflate, CreatorVersion: 3 << 8, ExternalAttrs: mode << 16}
			if strings.HasSuffix(f.name, "/") {
				fh.Method = zip.Store
			}
			if f.tweak != nil {
				f.tweak(fh)
			}
			w, err = zw.CreateHeader(fh)
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, f.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writeWheel writes files as dir/filename and returns the path and sha256.
func writeWheel(t testing.TB, dir, filename string, files []zfile) (string, string) {
	t.Helper()
	data := zipBytes(t, files)
	p := filepath.Join(dir, filename)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return p, hex.EncodeToString(sum[:])
}

// installed is what one installation placed, by absolute path.
type installed map[string]installedFile

type installedFile struct {
	mode int64
	data []byte
}

// installAll opens a wheel and collects what Install emits, checking the
// entries come sorted and each Open yields Size bytes.
func installAll(t testing.TB, path, sum string, s Scheme, o Options, opts ...OpenOption) (installed, error) {
	t.Helper()
	w, err := Open(path, sum, opts...)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	out := installed{}
	last := ""
	err = w.Install(s, o, func(e Entry) error {
		if e.Path <= last {
			return fmt.Errorf("entry %s after %s: not sorted", e.Path, last)
		}
		last = e.Path
		rc, err := e.Open()
		if err != nil {
			return err
		}
		defer rc.Close()
		data, err := io.ReadAll(rc)
		if err != nil {
			return err
		}
		if int64(len(data)) != e.Size {
			return fmt.Errorf("%s: read %d bytes, Size %d", e.Path, len(data), e.Size)
		}
		out[e.Path] = installedFile{mode: e.Mode, data: data}
		return nil
	})
	return out, err
}
