package pep425

import (
	"testing"
)

func TestBestWheelMatchesPip(t *testing.T) {
	lists := map[string][]string{}
	rankings := map[string]Ranking{}
	for _, c := range bestWheelCases {
		files, ok := lists[c.release]
		if !ok {
			files = readLines(t, "testdata/wheels/"+c.release+".txt")
			lists[c.release] = files
		}
		target, ok := tagListTargets[c.target]
		if !ok {
			t.Fatalf("unknown target %s", c.target)
		}
		r, ok := rankings[c.target]
		if !ok {
			r = target.Ranking()
			rankings[c.target] = r
		}
		got, found := r.BestWheel(files)
		if got != c.want || found != (c.want != "") {
			t.Errorf("%s on %s: BestWheel = %q, %v; pip picks %q", c.release, c.target, got, found, c.want)
		}
		// Order of the input must not matter.
		reversed := make([]string, len(files))
		for i, f := range files {
			reversed[len(files)-1-i] = f
		}
		if again, _ := target.BestWheel(reversed); again != got {
			t.Errorf("%s on %s: BestWheel of reversed list = %q, want %q", c.release, c.target, again, got)
		}
	}
	if len(bestWheelCases) < 100 {
		t.Errorf("only %d cases", len(bestWheelCases))
	}
}

// TestBestWheelTies covers the build-tag and filename tie breaks, which no
// Linux wheel in the real release lists exercises. Expected picks follow pip's
// sort key: (tag priority, build tag tuple), then the smaller filename.
func TestBestWheelTies(t *testing.T) {
	target := tagListTargets["cp311-x86_64-glibc2.36"]
	cases := []struct {
		name  string
		files []string
		want  string
	}{
		{"build tag beats none", []string{"foo-1.0-py3-none-any.whl", "foo-1.0-1-py3-none-any.whl"}, "foo-1.0-1-py3-none-any.whl"},
		{"higher build number", []string{"foo-1.0-2-py3-none-any.whl", "foo-1.0-10-py3-none-any.whl", "foo-1.0-9-py3-none-any.whl"}, "foo-1.0-10-py3-none-any.whl"},
		{"leading zeros are numbers", []string{"foo-1.0-010-py3-none-any.whl", "foo-1.0-9-py3-none-any.whl"}, "foo-1.0-010-py3-none-any.whl"},
		{"suffix compared as string", []string{"foo-1.0-1a-py3-none-any.whl", "foo-1.0-1b-py3-none-any.whl", "foo-1.0-1-py3-none-any.whl"}, "foo-1.0-1b-py3-none-any.whl"},
		{"equal build numbers, 01 vs 1", []string{"foo-1.0-1-py3-none-any.whl", "foo-1.0-01-py3-none-any.whl"}, "foo-1.0-01-py3-none-any.whl"},
		{"tag beats build", []string{"foo-1.0-99-py3-none-any.whl", "foo-1.0-cp311-cp311-manylinux_2_17_x86_64.whl"}, "foo-1.0-cp311-cp311-manylinux_2_17_x86_64.whl"},
		{"same tag, filename order", []string{"foo-1.0-py3-none-any.whl", "Foo-1.0-py3-none-any.whl"}, "Foo-1.0-py3-none-any.whl"},
		{"compressed set uses its best tag", []string{"foo-1.0-cp311-cp311-manylinux_2_17_x86_64.whl", "foo-1.0-cp311-cp311-manylinux_2_5_x86_64.manylinux_2_28_x86_64.whl"}, "foo-1.0-cp311-cp311-manylinux_2_5_x86_64.manylinux_2_28_x86_64.whl"},
		{"native linux tag first", []string{"foo-1.0-cp311-cp311-manylinux_2_36_x86_64.whl", "foo-1.0-cp311-cp311-linux_x86_64.whl"}, "foo-1.0-cp311-cp311-linux_x86_64.whl"},
		{"abi3 below own abi", []string{"foo-1.0-cp37-abi3-manylinux_2_36_x86_64.whl", "foo-1.0-cp311-cp311-manylinux1_x86_64.whl"}, "foo-1.0-cp311-cp311-manylinux1_x86_64.whl"},
		{"newer abi3 floor first", []string{"foo-1.0-cp37-abi3-manylinux_2_17_x86_64.whl", "foo-1.0-cp39-abi3-manylinux_2_17_x86_64.whl"}, "foo-1.0-cp39-abi3-manylinux_2_17_x86_64.whl"},
		{"upper-case tags", []string{"foo-1.0-CP311-CP311-MANYLINUX_2_17_X86_64.whl", "foo-1.0-py3-none-any.whl"}, "foo-1.0-CP311-CP311-MANYLINUX_2_17_X86_64.whl"},
		{"invalid names skipped", []string{"foo-1.0-cp311-cp311-linux_x86_64", "foo-1.0.tar.gz", "foo-1.0-x-cp311-cp311-linux_x86_64.whl", "foo-1.0-py3-none-any.whl"}, "foo-1.0-py3-none-any.whl"},
		{"nothing fits", []string{"foo-1.0-cp312-cp312-manylinux_2_17_x86_64.whl", "foo-1.0-py2-none-any.whl", "foo-1.0-cp311-cp311-win_amd64.whl"}, ""},
		{"empty list", nil, ""},
	}
	for _, c := range cases {
		got, ok := target.BestWheel(c.files)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("%s: BestWheel(%q) = %q, %v; want %q", c.name, c.files, got, ok, c.want)
		}
	}
}

func TestWheelPriority(t *testing.T) {
	r := tagListTargets["cp311-x86_64-glibc2.36"].Ranking()
	w, err := ParseWheelFilename("numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := r.WheelPriority(w); !ok || p != 20 {
		t.Errorf("WheelPriority(%s) = %d, %v; want 20 (manylinux_2_17 is the 21st platform)", w, p, ok)
	}
	w, _ = ParseWheelFilename("numpy-1.26.4-cp311-cp311-musllinux_1_1_x86_64.whl")
	if _, ok := r.WheelPriority(w); ok {
		t.Errorf("WheelPriority(%s) fits a glibc target", w)
	}
}
