package pep425

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tagListTargets name the files in testdata/tags, generated with packaging
// 26.3 by testdata/generate/tags.py (sys_tags() with the host probes replaced
// by the target's facts; on this x86_64 glibc 2.36 CPython 3.11 host the
// simulated list was checked equal to the real sys_tags()).
var tagListTargets = map[string]Target{
	"cp310-x86_64-glibc2.35":  {PythonVersion: [2]int{3, 10}, Implementation: "cp", OS: "linux", Arch: "x86_64", Libc: "glibc", LibcVersion: [2]int{2, 35}},
	"cp311-x86_64-glibc2.36":  {PythonVersion: [2]int{3, 11}, Implementation: "cp", OS: "linux", Arch: "x86_64", Libc: "glibc", LibcVersion: [2]int{2, 36}},
	"cp311-aarch64-glibc2.36": {PythonVersion: [2]int{3, 11}, Implementation: "cp", OS: "linux", Arch: "aarch64", Libc: "glibc", LibcVersion: [2]int{2, 36}},
	"cp312-x86_64-musl1.2":    {PythonVersion: [2]int{3, 12}, Implementation: "cp", OS: "linux", Arch: "x86_64", Libc: "musl", LibcVersion: [2]int{1, 2}},
	"cp311-aarch64-musl1.2":   {PythonVersion: [2]int{3, 11}, Implementation: "cp", OS: "linux", Arch: "aarch64", Libc: "musl", LibcVersion: [2]int{1, 2}},
	"cp37-x86_64-glibc2.17":   {PythonVersion: [2]int{3, 7}, Implementation: "cp", OS: "linux", Arch: "x86_64", Libc: "glibc", LibcVersion: [2]int{2, 17}},
	"cp36-x86_64-glibc2.12":   {PythonVersion: [2]int{3, 6}, Implementation: "cp", OS: "linux", Arch: "x86_64", Libc: "glibc", LibcVersion: [2]int{2, 12}},
	"cp38-i686-glibc2.28":     {PythonVersion: [2]int{3, 8}, Implementation: "cp", OS: "linux", Arch: "i686", Libc: "glibc", LibcVersion: [2]int{2, 28}},
	"cp39-armv7l-glibc2.31":   {PythonVersion: [2]int{3, 9}, Implementation: "cp", OS: "linux", Arch: "armv7l", Libc: "glibc", LibcVersion: [2]int{2, 31}},
	"cp312-ppc64le-glibc2.34": {PythonVersion: [2]int{3, 12}, Implementation: "cp", OS: "linux", Arch: "ppc64le", Libc: "glibc", LibcVersion: [2]int{2, 34}},
	"cp313-s390x-glibc2.39":   {PythonVersion: [2]int{3, 13}, Implementation: "cp", OS: "linux", Arch: "s390x", Libc: "glibc", LibcVersion: [2]int{2, 39}},
	"cp311-aarch64-glibc2.12": {PythonVersion: [2]int{3, 11}, Implementation: "cp", OS: "linux", Arch: "aarch64", Libc: "glibc", LibcVersion: [2]int{2, 12}},
	"cp311-riscv64-musl1.1":   {PythonVersion: [2]int{3, 11}, Implementation: "cp", OS: "linux", Arch: "riscv64", Libc: "musl", LibcVersion: [2]int{1, 1}},
	"cp311-x86_64-glibc3.1":   {PythonVersion: [2]int{3, 11}, Implementation: "cp", OS: "linux", Arch: "x86_64", Libc: "glibc", LibcVersion: [2]int{3, 1}},
	"cp311-sparc64-glibc2.36": {PythonVersion: [2]int{3, 11}, Implementation: "cp", OS: "linux", Arch: "sparc64", Libc: "glibc", LibcVersion: [2]int{2, 36}},
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

func TestTargetTagsMatchPackaging(t *testing.T) {
	files, err := filepath.Glob("testdata/tags/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(tagListTargets) {
		t.Fatalf("%d tag files, %d targets", len(files), len(tagListTargets))
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".txt")
		t.Run(name, func(t *testing.T) {
			target, ok := tagListTargets[name]
			if !ok {
				t.Fatalf("no target for %s", path)
			}
			want := readLines(t, path)
			got := target.Tags()
			if len(got) != len(want) {
				t.Errorf("got %d tags, want %d", len(got), len(want))
			}
			for i := 0; i < len(got) && i < len(want); i++ {
				if got[i].String() != want[i] {
					t.Fatalf("tag %d: got %s, want %s", i, got[i], want[i])
				}
			}
			r := target.Ranking()
			for i, s := range want {
				parsed, err := ParseTag(s)
				if err != nil || len(parsed) != 1 {
					t.Fatalf("ParseTag(%q) = %v, %v", s, parsed, err)
				}
				if p, ok := r.Priority(parsed[0]); !ok || p != i {
					t.Errorf("Priority(%s) = %d, %v; want %d", s, p, ok, i)
				}
			}
		})
	}
}

func TestPriority(t *testing.T) {
	target := tagListTargets["cp311-x86_64-glibc2.36"]
	cases := []struct {
		tag  Tag
		want int
		ok   bool
	}{
		{Tag{"cp311", "cp311", "linux_x86_64"}, 0, true},
		{Tag{"cp311", "cp311", "manylinux_2_36_x86_64"}, 1, true},
		{Tag{"CP311", "CP311", "MANYLINUX_2_36_X86_64"}, 1, true},
		{Tag{"cp311", "cp311", "manylinux_2_37_x86_64"}, 0, false},
		{Tag{"cp311", "cp311", "manylinux_2_17_aarch64"}, 0, false},
		{Tag{"cp311", "cp311", "musllinux_1_1_x86_64"}, 0, false},
		{Tag{"cp312", "cp312", "manylinux_2_17_x86_64"}, 0, false},
		{Tag{"cp311", "cp311d", "manylinux_2_17_x86_64"}, 0, false},
		{Tag{"cp311", "abi3t", "manylinux_2_17_x86_64"}, 0, false},
		{Tag{"pp311", "pypy311_pp73", "manylinux_2_17_x86_64"}, 0, false},
		{Tag{"py3", "none", "any"}, 902, true},
		{Tag{"py2", "none", "any"}, 0, false},
		{Tag{"cp311", "none", "any"}, 900, true},
		{Tag{"cp310", "none", "any"}, 0, false},
		{Tag{"cp32", "abi3", "manylinux1_x86_64"}, 36*12 - 1, true},
		{Tag{"cp31", "abi3", "manylinux1_x86_64"}, 0, false},
	}
	for _, c := range cases {
		got, ok := target.Priority(c.tag)
		if got != c.want || ok != c.ok {
			t.Errorf("Priority(%s) = %d, %v; want %d, %v", c.tag, got, ok, c.want, c.ok)
		}
	}
}

func TestTargetValidate(t *testing.T) {
	good := tagListTargets["cp311-x86_64-glibc2.36"]
	bad := []func(*Target){
		func(t *Target) { t.Implementation = "pp" },
		func(t *Target) { t.Implementation = "" },
		func(t *Target) { t.PythonVersion = [2]int{2, 7} },
		func(t *Target) { t.PythonVersion = [2]int{3, 2} },
		func(t *Target) { t.PythonVersion = [2]int{3, 100} },
		func(t *Target) { t.OS = "darwin" },
		func(t *Target) { t.Arch = "" },
		func(t *Target) { t.Arch = "X86_64" },
		func(t *Target) { t.Arch = "x86-64" },
		func(t *Target) { t.Libc = "uclibc" },
		func(t *Target) { t.LibcVersion = [2]int{1, 9} },
		func(t *Target) { t.LibcVersion = [2]int{2, -1} },
		func(t *Target) { t.LibcVersion = [2]int{2, 1000} },
		func(t *Target) { t.Libc, t.LibcVersion = "musl", [2]int{0, 9} },
	}
	if err := good.Validate(); err != nil {
		t.Fatalf("Validate(%+v) = %v", good, err)
	}
	for i, mutate := range bad {
		target := good
		mutate(&target)
		if err := target.Validate(); err == nil {
			t.Errorf("case %d: Validate(%+v) = nil, want error", i, target)
		}
		if tags := target.Tags(); tags != nil {
			t.Errorf("case %d: Tags(%+v) has %d tags, want none", i, target, len(tags))
		}
		if _, ok := target.BestWheel([]string{"foo-1.0-py3-none-any.whl"}); ok {
			t.Errorf("case %d: BestWheel on invalid target found a wheel", i)
		}
	}
}
