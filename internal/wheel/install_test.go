package wheel

import (
	"archive/zip"
	"errors"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestInstallDemo(t *testing.T) {
	files := withRecord(demoFiles(
		zfile{name: "demo/run.sh", data: "#!/bin/sh\n", mode: 0o100755},
		zfile{name: "demo-1.0.data/scripts/tool", data: "#!python -u\nimport demo\n", mode: 0o100755},
		zfile{name: "demo-1.0.data/headers/demo.h", data: "int demo;\n"},
		zfile{name: "demo-1.0.dist-info/entry_points.txt", data: "[console_scripts]\ndemo = demo.cli:main\n"},
	))
	path, sum := writeWheel(t, t.TempDir(), demoWheel, files)
	got, err := installAll(t, path, sum, VenvScheme("/venv", "3.11", "Demo"), Options{Installer: "citadel"})
	if err != nil {
		t.Fatal(err)
	}
	site := "/venv/lib/python3.11/site-packages/"
	want := map[string]struct {
		mode int64
		data string
	}{
		"/venv/bin/demo": {0o755, "#!/venv/bin/python\nimport sys\nfrom demo.cli import main\nif __name__ == '__main__':\n" +
			"    sys.argv[0] = sys.argv[0].removesuffix('.exe')\n    sys.exit(main())\n"},
		"/venv/bin/tool": {0o755, "#!/venv/bin/python\nimport demo\n"},
		"/venv/include/site/python3.11/Demo/demo.h":  {0o644, "int demo;\n"},
		site + "demo/__init__.py":                    {0o644, "x = 1\n"},
		site + "demo/run.sh":                         {0o755, "#!/bin/sh\n"},
		site + "demo-1.0.dist-info/METADATA":         {0o644, files[1].data},
		site + "demo-1.0.dist-info/WHEEL":            {0o644, files[2].data},
		site + "demo-1.0.dist-info/entry_points.txt": {0o644, files[6].data},
		site + "demo-1.0.dist-info/INSTALLER":        {0o644, "citadel\n"},
	}
	for p, w := range want {
		if g, ok := got[p]; !ok || g.mode != w.mode || string(g.data) != w.data {
			t.Errorf("%s = %#o %q, want %#o %q", p, g.mode, g.data, w.mode, w.data)
		}
	}
	record := string(got[site+"demo-1.0.dist-info/RECORD"].data)
	wantRows := []string{
		"../../../bin/demo,", "../../../bin/tool,sha256=", "../../../include/site/python3.11/Demo/demo.h,sha256=",
		"demo-1.0.dist-info/INSTALLER,sha256=", "demo-1.0.dist-info/METADATA,sha256=", "demo-1.0.dist-info/RECORD,,",
		"demo-1.0.dist-info/WHEEL,", "demo-1.0.dist-info/entry_points.txt,", "demo/__init__.py,", "demo/run.sh,",
	}
	rows := strings.Split(strings.TrimSuffix(record, "\r\n"), "\r\n")
	if len(rows) != len(wantRows) {
		t.Fatalf("RECORD:\n%s", record)
	}
	for i, r := range rows {
		if !strings.HasPrefix(r, wantRows[i]) {
			t.Errorf("RECORD row %d = %q, want prefix %q", i, r, wantRows[i])
		}
	}
	if !strings.Contains(record, recordLine("../../../bin/tool", "#!/venv/bin/python\nimport demo\n")[:60]) {
		t.Errorf("rewritten script not rehashed:\n%s", record)
	}
	if len(got) != len(want)+1 {
		t.Errorf("%d files placed, want %d", len(got), len(want)+1)
	}
	if _, ok := got[site+"demo-1.0.dist-info/REQUESTED"]; ok {
		t.Error("REQUESTED written without Options.Requested")
	}
}

func TestInstallNewerMinorWheelVersion(t *testing.T) {
	files := withRecord(replace(demoFiles(), "demo-1.0.dist-info/WHEEL", "Wheel-Version: 1.9\nRoot-Is-Purelib: false\n"))
	path, sum := writeWheel(t, t.TempDir(), demoWheel, files)
	s := VenvScheme("/venv", "3.11", "demo")
	s.Platlib = "/venv/lib64/python3.11/site-packages"
	got, err := installAll(t, path, sum, s, Options{Installer: "x", Requested: true})
	if err != nil {
		t.Fatal(err)
	}
	// Root-Is-Purelib: false puts the root in platlib, and RECORD paths are
	// relative to it.
	if _, ok := got["/venv/lib64/python3.11/site-packages/demo/__init__.py"]; !ok {
		t.Errorf("root not installed in platlib: %v", slices.Sorted(maps.Keys(got)))
	}
	if _, ok := got["/venv/lib64/python3.11/site-packages/demo-1.0.dist-info/REQUESTED"]; !ok {
		t.Error("REQUESTED missing")
	}
}

func storeMethod(h *zip.FileHeader) { h.Method = zip.Store }

func TestInstallStopsOnEmitError(t *testing.T) {
	path, sum := writeWheel(t, t.TempDir(), demoWheel, withRecord(demoFiles()))
	w, err := Open(path, sum)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	boom := errors.New("disk full")
	calls := 0
	err = w.Install(VenvScheme("/v", "3.11", "demo"), Options{Installer: "x"}, func(Entry) error { calls++; return boom })
	if !errors.Is(err, boom) || calls != 1 || !strings.Contains(err.Error(), demoWheel) {
		t.Fatalf("err %v after %d calls", err, calls)
	}
}

// TestInstallNoticesChangedFile changes the wheel on disk after Open: the
// content read through Entry.Open must fail rather than differ.
func TestInstallNoticesChangedFile(t *testing.T) {
	files := withRecord(demoFiles(zfile{name: "demo/data.txt", data: "ORIGINAL CONTENT", tweak: storeMethod}))
	path, sum := writeWheel(t, t.TempDir(), demoWheel, files)
	w, err := Open(path, sum)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(raw), "ORIGINAL", "modified", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	var readErr error
	err = w.Install(VenvScheme("/v", "3.11", "demo"), Options{Installer: "x"}, func(e Entry) error {
		if !strings.HasSuffix(e.Path, "/data.txt") {
			return nil
		}
		rc, err := e.Open()
		if err != nil {
			readErr = err
			return nil
		}
		defer rc.Close()
		_, readErr = io.ReadAll(rc)
		return nil
	})
	if err != nil || readErr == nil {
		t.Fatalf("install error %v, read error %v: want a read error", err, readErr)
	}
}
