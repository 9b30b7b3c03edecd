package wheel

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/citadel-build/citadel/internal/testutil"
)

// realWheel is a wheel from the index that the parity test installs with pip
// and with Install. Files are pinned by sha256.
type realWheel struct {
	req, file, sha256 string
	platform          string // for a CPython 3.11 wheel, a platform tag to pass to pip download
	covers            string
}

var realWheels = []realWheel{
	{"Django==3.2.22", "Django-3.2.22-py3-none-any.whl", "c5e7b668025a6e06cad9ba6d4de1fd1a21212acebb51ea34abb400c6e4d33430", "", "purelib; .data/scripts with #!python; console_scripts"},
	{"cryptography==41.0.4", "cryptography-41.0.4-cp37-abi3-manylinux_2_28_x86_64.whl", "2ed09183922d66c4ec5fdaa59b4d14e105c084dd0febd27452de8f6f74704143", "manylinux_2_28_x86_64", "platlib (Root-Is-Purelib: false), abi3"},
	{"PyYAML==6.0.1", "PyYAML-6.0.1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "d2b04aac4d386b172d5b9692e2d2da8de7bfb6c387fa4f801fbf6fb2e6ba4673", "manylinux_2_17_x86_64", "platlib"},
	{"greenlet==3.0.3", "greenlet-3.0.3-cp311-cp311-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl", "b7f009caad047246ed379e1c4dbcb8b020f0a390667ea74d2387be2998f58a22", "manylinux_2_28_x86_64", ".data/headers, directory entries, platlib"},
	{"netaddr==0.10.1", "netaddr-0.10.1-py2.py3-none-any.whl", "9822305b42ea1020d54fee322d43cee5622b044c07a1f0130b459bb467efcf88", "", "console_scripts"},
	{"qtconsole==5.5.1", "qtconsole-5.5.1-py3-none-any.whl", "8c75fa3e9b4ed884880ff7cea90a1b67451219279ec33deaee1d59e3df1a5d2b", "", "gui_scripts"},
	{"docutils==0.20.1", "docutils-0.20.1-py3-none-any.whl", "96f387a2c5562db4476f09f13bbab2192e764cac08ebbf3a34a95d9b1e4a59d6", "", ".data/scripts with #!python and console_scripts"},
	{"python-swiftclient==4.2.0", "python_swiftclient-4.2.0-py3-none-any.whl", "8477fcafb337cc587f35a1e8f15d9e06746b932d1d024ca321e8c5e7763e3421", "", ".data/data (man page), .data/scripts"},
	{"keystone==23.0.2", "keystone-23.0.2-py3-none-any.whl", "bf58da46383823b44e523a310b12683414dca558b022cc835c073c6d527b604c", "", ".data/data (etc), .data/scripts, many console_scripts"},
	{"pycadf==3.1.1", "pycadf-3.1.1-py3-none-any.whl", "b1fa1dea7638c0f685fec9fceb94ae6409c42022c1b251d8a0d46a7ff9895f9c", "", ".data/data only"},
	{"jsonpatch==1.32", "jsonpatch-1.32-py2.py3-none-any.whl", "26ac385719ac9f54df8a2f0827bb8253aa3ea8ab7b3368457bcdb8c14595a397", "", ".data/scripts with execute bits"},
	{"oslo.config==9.4.0", "oslo.config-9.4.0-py3-none-any.whl", "8c2049c14cade7adeeda18638531b3b3a40d3c6bcc690535939f64a3c1ec8d63", "", "dotted project name, console_scripts"},
	{"pip==26.3", "pip-26.3-py3-none-any.whl", "f3b60b20ffaadd4415ed7957212a38ac63fa4c5fa375bd0f4a797777940fad13", "", "pip's versioned pip launchers"},
	{"setuptools==44.1.1", "setuptools-44.1.1-py2.py3-none-any.whl", "27a714c09253134e60a6fa68130f78c7037e5562c4f21f8f318f2ae900d152d5", "", "pip's versioned easy_install launchers"},
	{"horizon==24.0.2", "horizon-24.0.2-py3-none-any.whl", "fb2ce4754599b12305265239cf2caac002541542d580b01b9bb414982d210146", "", "large purelib tree"},
}

// testPython is the Python with pip 26.3 that the parity tests compare
// against. tools/test.sh sets it; without it the test fails rather than
// skips, so a run meant to check parity cannot pass without checking.
func testPython(t *testing.T) (python, index string) {
	t.Helper()
	python, index = os.Getenv("CITADEL_TEST_PYTHON"), os.Getenv("CITADEL_TEST_INDEX_URL")
	if python == "" || index == "" {
		t.Fatal("CITADEL_TEST_PYTHON (a Python with pip 26.3) and CITADEL_TEST_INDEX_URL (its index) must be set; tools/test.sh sets both")
	}
	return python, index
}

// pipEnv is the environment for pip: no user configuration, and none of the
// variables that change what pip installs.
func pipEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PIP_") && !strings.HasPrefix(kv, "ENSUREPIP_OPTIONS=") {
			env = append(env, kv)
		}
	}
	return append(env, "PIP_CONFIG_FILE=/dev/null", "PIP_DISABLE_PIP_VERSION_CHECK=1")
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = pipEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// fetchWheel returns the path of w in .cache/wheels, downloading it with
// pip if it is not there yet.
func fetchWheel(t *testing.T, python, index string, w realWheel) string {
	t.Helper()
	cache := filepath.Join(testutil.RepoRoot(t), ".cache", "wheels")
	dest := filepath.Join(cache, w.file)
	if sha256File(t, dest) == w.sha256 {
		return dest
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		t.Fatal(err)
	}
	tmp, err := os.MkdirTemp(cache, "download-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	args := []string{"-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", "--index-url", index, "-d", tmp}
	if w.platform != "" {
		args = append(args, "--platform", w.platform, "--python-version", "3.11", "--implementation", "cp", "--abi", "cp311")
	}
	run(t, python, append(args, w.req)...)
	if got := sha256File(t, filepath.Join(tmp, w.file)); got != w.sha256 {
		t.Fatalf("downloaded %s has sha256 %q, want %s", w.file, got, w.sha256)
	}
	if err := os.Rename(filepath.Join(tmp, w.file), dest); err != nil {
		t.Fatal(err)
	}
	return dest
}

func sha256File(t *testing.T, path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// snapshot maps each regular file under root to its mode and content.
func snapshot(t *testing.T, root string) installed {
	t.Helper()
	out := installed{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		out[p] = installedFile{mode: int64(info.Mode().Perm()), data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// pipInstall installs req from the single wheel at wheelPath into a new venv
// under dir with pip 26.3, run as the venv's interpreter (pip --python), and
// returns the venv and the files pip added.
func pipInstall(t *testing.T, python, dir, wheelPath, req string) (string, installed) {
	t.Helper()
	venv := filepath.Join(dir, "venv")
	links := filepath.Join(dir, "links")
	if err := os.MkdirAll(links, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(wheelPath, filepath.Join(links, filepath.Base(wheelPath))); err != nil {
		t.Fatal(err)
	}
	run(t, python, "-m", "venv", "--without-pip", venv)
	before := snapshot(t, venv)
	// umask 022 gives the 0644 and 0755 modes an image layer uses.
	run(t, "sh", "-c", `umask 022 && exec "$0" -m pip --python "$1" install --quiet --no-deps --no-compile --no-index --find-links "$2" "$3"`,
		python, filepath.Join(venv, "bin", "python"), links, req)
	added := installed{}
	for p, f := range snapshot(t, venv) {
		if _, ok := before[p]; !ok {
			added[p] = f
		}
	}
	return venv, added
}

// checkParity installs the wheel with pip and with Install into the same
// venv paths and compares file set, modes and bytes.
func checkParity(t *testing.T, python, dir, wheelPath, sum, req string) {
	t.Helper()
	venv, want := pipInstall(t, python, dir, wheelPath, req)
	name, _, _ := strings.Cut(req, "==")
	got, err := installAll(t, wheelPath, sum, VenvScheme(venv, "3.11", name), Options{Installer: "pip", Requested: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range sortedKeys(want) {
		g, ok := got[p]
		switch {
		case !ok:
			t.Errorf("pip placed %s, Install did not", p)
		case g.mode != want[p].mode:
			t.Errorf("%s: mode %#o, pip %#o", p, g.mode, want[p].mode)
		case !bytes.Equal(g.data, want[p].data):
			t.Errorf("%s differs from pip's:\n%s", p, diffLines(string(g.data), string(want[p].data)))
		}
	}
	for _, p := range sortedKeys(got) {
		if _, ok := want[p]; !ok {
			t.Errorf("Install placed %s, pip did not", p)
		}
	}
	if len(want) == 0 {
		t.Error("pip installed nothing")
	}
}

func sortedKeys(m installed) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// diffLines shows the lines only in got (+) and only in want (-), sorted,
// which for RECORD is the rows that differ.
func diffLines(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	var out []string
	for _, l := range g {
		if !slices.Contains(w, l) {
			out = append(out, "+ "+l)
		}
	}
	for _, l := range w {
		if !slices.Contains(g, l) {
			out = append(out, "- "+l)
		}
	}
	slices.Sort(out)
	if len(out) > 40 {
		out = append(out[:40], "...")
	}
	return strings.Join(out, "\n")
}

// TestPipParityReal installs real wheels with pip 26.3 and with Install.
func TestPipParityReal(t *testing.T) {
	python, index := testPython(t)
	for _, w := range realWheels {
		t.Run(w.file, func(t *testing.T) {
			t.Parallel()
			path := fetchWheel(t, python, index, w)
			checkParity(t, python, t.TempDir(), path, w.sha256, w.req)
		})
	}
}

// TestPipParitySynthetic installs small wheels built here, each aimed at a
// corner of pip's behaviour, with pip 26.3 and with Install, into venvs whose
// paths hold a space or pass the 127-byte shebang limit.
func TestPipParitySynthetic(t *testing.T) {
	python, _ := testPython(t)
	for _, c := range syntheticWheels() {
		for _, where := range []string{"plain", "with space", strings.Repeat("long", 30)} {
			t.Run(c.filename+"/"+where, func(t *testing.T) {
				t.Parallel()
				dir := filepath.Join(t.TempDir(), where)
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				path, sum := writeWheel(t, t.TempDir(), c.filename, c.files)
				checkParity(t, python, dir, path, sum, c.req)
			})
		}
	}
}

type syntheticWheel struct {
	filename, req string
	files         []zfile
}

func syntheticWheels() []syntheticWheel {
	meta := func(name, version string) string {
		return "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n\nDescription.\n"
	}
	const wheelPure = "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
	synth := []zfile{
		{name: "synth/", data: ""},
		{name: "synth/__init__.py", data: "x = 1\n"},
		{name: `synth/a,b "c".txt`, data: "comma and quotes need CSV quoting\n"},
		{name: "synth/café.py", data: "# non-ASCII name\n"},
		{name: "synth/exec.sh", data: "#!/bin/sh\n", mode: 0o100755},
		{name: "synth/notype.sh", data: "#!/bin/sh\n", mode: 0o000755},
		{name: "synth-1.0.data/scripts/py-noexec", data: "#!python\nprint(1)\n", mode: 0o100644},
		{name: "synth-1.0.data/scripts/pyw", data: "#!pythonw -u\r\nprint(2)\r\n", mode: 0o100755},
		{name: "synth-1.0.data/scripts/py3", data: "#!python3.11 -E\nprint(3)\n", mode: 0o100775},
		{name: "synth-1.0.data/scripts/noeol", data: "#!python", mode: 0o100755},
		{name: "synth-1.0.data/scripts/empty", data: "", mode: 0o100755},
		{name: "synth-1.0.data/scripts/sh", data: "#!/bin/sh\necho\n", mode: 0o100755},
		{name: "synth-1.0.data/scripts/env", data: "#!/usr/bin/env python\nprint(4)\n", mode: 0o100755},
		{name: "synth-1.0.data/scripts/sub/nested", data: "#!python\nprint(5)\n", mode: 0o100755},
		{name: "synth-1.0.data/scripts/cli", data: "setuptools wrapper\n", mode: 0o100755},
		{name: "synth-1.0.data/scripts/cli-script.py", data: "setuptools wrapper\n"},
		{name: "synth-1.0.data/scripts/GUI.EXE", data: "not for us\n"},
		{name: "synth-1.0.data/data/share/synth/a.conf", data: "[a]\n"},
		{name: "synth-1.0.data/headers/synth.h", data: "int x;\n"},
		{name: "synth-1.0.data/purelib/synth_extra/x.py", data: "y = 2\n"},
		{name: "synth-1.0.data/platlib/synth_plat/y.py", data: "z = 3\n"},
		{name: "synth-1.0.dist-info/METADATA", data: meta("Synth", "1.0")},
		{name: "synth-1.0.dist-info/WHEEL", data: wheelPure},
		{name: "synth-1.0.dist-info/entry_points.txt", data: "ignored = before:section\n" +
			"[console_scripts]\ncli = synth.main:run\n  cli2=synth.main:Klass.method [extra1]\n" +
			"dup = synth.a:first\n# comment\ndup = synth.b:second\n\n" +
			"[gui_scripts]\nGUI = synth.gui:main\n[other.group]\nanything = goes here\n"},
		{name: "synth-1.0.dist-info/RECORD.jws", data: "{}"},
	}
	var rec strings.Builder
	for _, f := range synth {
		switch {
		case strings.HasSuffix(f.name, "/"):
			rec.WriteString(f.name + ",,\n")
		case strings.HasSuffix(f.name, "RECORD.jws"):
		case strings.HasSuffix(f.name, "x.py"):
			rec.WriteString(recordLineWith("sha512", f.name, f.data))
		case f.name == "synth/__init__.py":
			rec.WriteString(recordLineWith("sha384", f.name, f.data))
		default:
			rec.WriteString(recordLine(f.name, f.data))
		}
	}
	// sha384 and sha512 rows are kept as written; RECORD does not list itself.
	synth = append(synth, zfile{name: "synth-1.0.dist-info/RECORD", data: rec.String()})

	plat := withRecord([]zfile{
		{name: "platsynth/__init__.py", data: "x = 1\n"},
		{name: "platsynth-2.0.post1.data/purelib/platsynth_pure.py", data: "x = 2\n"},
		{name: "platsynth-2.0.post1.dist-info/METADATA", data: meta("platsynth", "2.0.post1")},
		{name: "platsynth-2.0.post1.dist-info/WHEEL", data: "Wheel-Version: 1.9\nRoot-Is-Purelib: False\nTag: py3-none-any\n"},
	})
	fakepip := withRecord([]zfile{
		{name: "fakepip/__init__.py", data: ""},
		{name: "fakepip-3.dist-info/METADATA", data: meta("fakepip", "3")},
		{name: "fakepip-3.dist-info/WHEEL", data: wheelPure},
		{name: "fakepip-3.dist-info/entry_points.txt", data: "[console_scripts]\npip3.8 = fakepip:old\npip = fakepip:main\npip3 = fakepip:main\n" +
			"easy_install-3.8 = fakepip:old\neasy_install = fakepip:ez\npip-tool = fakepip:tool\n"},
	})
	return []syntheticWheel{
		{"synth-1.0-py3-none-any.whl", "synth==1.0", synth},
		{"platsynth-2.0.post1-py3-none-any.whl", "platsynth==2.0.post1", plat},
		{"fakepip-3-py3-none-any.whl", "fakepip==3", fakepip},
	}
}
