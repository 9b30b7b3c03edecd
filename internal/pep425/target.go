package pep425

import (
	"fmt"
	"strconv"
)

// Target describes the machine a wheel is chosen for. Nothing is read from the
// host: every fact packaging.tags.sys_tags() would probe is given here.
type Target struct {
	PythonVersion  [2]int // {3, 11}
	Implementation string // "cp"; only CPython is supported
	OS             string // "linux"; only Linux is supported
	// Arch is the machine as in sysconfig.get_platform() with "-" and "."
	// made "_": "x86_64", "aarch64", "i686", "armv7l", "ppc64le", "s390x", ...
	Arch        string
	Libc        string // "glibc" or "musl"
	LibcVersion [2]int // {2, 36} for glibc, {1, 2} for musl
}

// manylinuxArchs are the architectures packaging emits manylinux tags for.
// packaging checks the interpreter's ELF header before allowing i686 and
// armv7l; a Target with those arches is taken to be a 32-bit x86 or
// hard-float ARM machine.
var manylinuxArchs = map[string]bool{
	"x86_64": true, "i686": true, "aarch64": true, "armv7l": true,
	"ppc64": true, "ppc64le": true, "s390x": true, "loongarch64": true, "riscv64": true,
}

// lastGlibcMinor stands in for the last minor release of an older glibc major
// series, as packaging assumes until a glibc 3 exists.
const lastGlibcMinor = 50

// Validate reports why Tags would be empty for t.
func (t Target) Validate() error {
	switch {
	case t.Implementation != "cp":
		return fmt.Errorf("target implementation %q: only CPython (\"cp\") is supported", t.Implementation)
	case t.PythonVersion[0] != 3 || t.PythonVersion[1] < 3 || t.PythonVersion[1] > 99:
		// 3.0-3.2 ABI tags depend on the unicode width of the build.
		return fmt.Errorf("target python %d.%d: only CPython 3.3 to 3.99 is supported", t.PythonVersion[0], t.PythonVersion[1])
	case t.OS != "linux":
		return fmt.Errorf("target OS %q: only linux is supported", t.OS)
	case !isArch(t.Arch):
		return fmt.Errorf("target arch %q: want lower-case letters, digits and _", t.Arch)
	case t.Libc == "glibc" && t.LibcVersion[0] < 2, t.Libc == "musl" && t.LibcVersion[0] < 1:
		return fmt.Errorf("target %s version %d.%d is too old", t.Libc, t.LibcVersion[0], t.LibcVersion[1])
	case t.Libc != "glibc" && t.Libc != "musl":
		return fmt.Errorf("target libc %q: want glibc or musl", t.Libc)
	case t.LibcVersion[0] > 99 || t.LibcVersion[1] < 0 || t.LibcVersion[1] > 999:
		// Bounded so a typo cannot ask for millions of platform tags.
		return fmt.Errorf("target %s version %d.%d is out of range", t.Libc, t.LibcVersion[0], t.LibcVersion[1])
	}
	return nil
}

func isArch(s string) bool {
	for _, r := range s {
		if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '_') {
			return false
		}
	}
	return s != ""
}

// Tags returns the tags t supports, best first, in the order
// packaging.tags.sys_tags() yields them on such a machine: cpython_tags
// (own ABI, abi3, none, then abi3 for older minors down to cp32), then
// compatible_tags (py3X-none-<platform>, cp3X-none-any, py3X-none-any). It
// returns nil if t is not valid.
func (t Target) Tags() []Tag {
	if t.Validate() != nil {
		return nil
	}
	major, minor := t.PythonVersion[0], t.PythonVersion[1]
	plats := t.platforms()
	interp := "cp" + nodot(major, minor)
	abi := interp
	if minor < 8 {
		// CPython before 3.8 marks pymalloc builds, the default, with "m".
		abi += "m"
	}
	var tags []Tag
	for _, a := range []string{abi, "abi3", "none"} {
		for _, p := range plats {
			tags = append(tags, Tag{interp, a, p})
		}
	}
	for m := minor - 1; m >= 2; m-- {
		for _, p := range plats {
			tags = append(tags, Tag{"cp" + nodot(major, m), "abi3", p})
		}
	}
	pys := []string{"py" + nodot(major, minor), "py" + strconv.Itoa(major)}
	for m := minor - 1; m >= 0; m-- {
		pys = append(pys, "py"+nodot(major, m))
	}
	for _, py := range pys {
		for _, p := range plats {
			tags = append(tags, Tag{py, "none", p})
		}
	}
	tags = append(tags, Tag{interp, "none", "any"})
	for _, py := range pys {
		tags = append(tags, Tag{py, "none", "any"})
	}
	return tags
}

func nodot(major, minor int) string {
	return strconv.Itoa(major) + strconv.Itoa(minor)
}

// platforms lists the platform tags best first, as packaging's
// _linux_platforms does: the native linux_<arch>, then manylinux tags from
// the target's glibc down to 2.17 (2.5 on x86), each legacy alias right after
// its glibc version, or musllinux tags from the target's musl down to 1.0.
func (t Target) platforms() []string {
	plats := []string{"linux_" + t.Arch}
	major, minor := t.LibcVersion[0], t.LibcVersion[1]
	if t.Libc == "musl" {
		for m := minor; m >= 0; m-- {
			plats = append(plats, fmt.Sprintf("musllinux_%d_%d_%s", major, m, t.Arch))
		}
		return plats
	}
	if !manylinuxArchs[t.Arch] {
		return plats
	}
	oldest := 17
	if t.Arch == "x86_64" || t.Arch == "i686" {
		oldest = 5
	}
	for maj := major; maj >= 2; maj-- {
		top, bottom := lastGlibcMinor, 0
		if maj == major {
			top = minor
		}
		if maj == 2 {
			bottom = oldest
		}
		for m := top; m >= bottom; m-- {
			plats = append(plats, fmt.Sprintf("manylinux_%d_%d_%s", maj, m, t.Arch))
			if legacy := legacyManylinux(maj, m); legacy != "" {
				plats = append(plats, legacy+"_"+t.Arch)
			}
		}
	}
	return plats
}

// legacyManylinux names the PEP 513/571/599 tag equal to glibc maj.min.
func legacyManylinux(maj, min int) string {
	switch {
	case maj == 2 && min == 17:
		return "manylinux2014"
	case maj == 2 && min == 12:
		return "manylinux2010"
	case maj == 2 && min == 5:
		return "manylinux1"
	}
	return ""
}
