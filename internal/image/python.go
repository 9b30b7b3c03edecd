package image

import (
	"archive/tar"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/citadel-build/citadel/internal/dpkg"
)

const dpkgStatus = "/var/lib/dpkg/status"

var (
	pyLibDir  = regexp.MustCompile(`^/usr/lib/python3\.([0-9]+)$`)
	pyPackage = regexp.MustCompile(`^python3\.([0-9]+)$`)
	pyVersion = regexp.MustCompile(`^3\.([0-9]+)\.[0-9]+$`)
)

// checkPython checks that the base has the interpreter the venv links to, at the venv's Python
// minor version. The venv's bin/python3 links to python3 beside the interpreter, so that must
// lead to the same file.
func checkPython(fs *baseFS, interpreter, version string) error {
	m := pyVersion.FindStringSubmatch(version)
	if m == nil {
		return fmt.Errorf("python version %q: want 3.X.Y", version)
	}
	minor, _ := strconv.Atoi(m[1])
	have, err := basePythons(fs)
	if err != nil {
		return err
	}
	if _, ok := have[minor]; !ok {
		if len(have) == 0 {
			return fmt.Errorf("venv for python 3.%d but base has no python3.X (no /usr/lib/python3.X directory, no python3.X package in %s)", minor, dpkgStatus)
		}
		var names []string
		for _, v := range sortedKeys(have) {
			names = append(names, fmt.Sprintf("python3.%d%s", v, have[v]))
		}
		return fmt.Errorf("venv for python 3.%d but base has %s only", minor, strings.Join(names, ", "))
	}
	final, err := regularFile(fs, interpreter)
	if err != nil {
		return fmt.Errorf("venv interpreter: %w", err)
	}
	// The interpreter may be python3.11 while the venv runs "python3" from the same directory.
	if py3 := path.Join(path.Dir(interpreter), "python3"); py3 != interpreter {
		if other, err := regularFile(fs, py3); err != nil {
			return fmt.Errorf("venv's bin/python3 links to %s: %w", py3, err)
		} else if other != final {
			return fmt.Errorf("venv's bin/python3 links to %s, which is %s in the base, not the interpreter %s (%s)", py3, other, interpreter, final)
		}
	}
	return nil
}

// regularFile resolves p in the base and checks it ends at a regular file.
func regularFile(fs *baseFS, p string) (string, error) {
	final, e, err := fs.resolve(p)
	if err != nil {
		return "", fmt.Errorf("%s in the base: %w", p, err)
	}
	if e.hdr.Typeflag != tar.TypeReg {
		return "", fmt.Errorf("base's %s (%s) is not a regular file", p, final)
	}
	return final, nil
}

// basePythons returns the Python 3 minor versions the base has, from its /usr/lib/python3.X
// directories and the python3.X packages dpkg lists as installed, with the package's upstream
// version (" (3.11.2)") where dpkg gives one.
func basePythons(fs *baseFS) (map[int]string, error) {
	have := map[int]string{}
	for p, e := range fs.files {
		if m := pyLibDir.FindStringSubmatch(p); m != nil && e.hdr.Typeflag == tar.TypeDir {
			v, _ := strconv.Atoi(m[1])
			have[v] = ""
		}
	}
	if e := fs.files[dpkgStatus]; e != nil {
		pkgs, err := dpkg.ParseStatus("base's "+dpkgStatus, e.data)
		if err != nil {
			return nil, err
		}
		for _, p := range pkgs {
			if m := pyPackage.FindStringSubmatch(p.Name); m != nil {
				v, _ := strconv.Atoi(m[1])
				have[v] = " (" + dpkg.UpstreamVersion(p.Version) + ")"
			}
		}
	}
	return have, nil
}

func sortedKeys(m map[int]string) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
