package image

import (
	"archive/tar"
	"bufio"
	"bytes"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
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
		pkgs, err := dpkgInstalled(e.data)
		if err != nil {
			return nil, fmt.Errorf("base's %s: %w", dpkgStatus, err)
		}
		for name, version := range pkgs {
			if m := pyPackage.FindStringSubmatch(name); m != nil {
				v, _ := strconv.Atoi(m[1])
				have[v] = " (" + upstreamVersion(version) + ")"
			}
		}
	}
	return have, nil
}

// dpkgInstalled returns the version of every package the status file marks installed.
func dpkgInstalled(status []byte) (map[string]string, error) {
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(status))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var name, version, state string
	flush := func() {
		if name != "" && strings.HasSuffix(state, " installed") {
			out[name] = version
		}
		name, version, state = "", "", ""
	}
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			flush()
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok || strings.HasPrefix(line, " ") {
			continue
		}
		switch k {
		case "Package":
			name = strings.TrimSpace(v)
		case "Version":
			version = strings.TrimSpace(v)
		case "Status":
			state = strings.TrimSpace(v)
		}
	}
	flush()
	return out, sc.Err()
}

// upstreamVersion is the upstream part of a Debian version: "3.11.2-6+deb12u6" -> "3.11.2".
func upstreamVersion(v string) string {
	if _, after, ok := strings.Cut(v, ":"); ok {
		v = after
	}
	if i := strings.LastIndex(v, "-"); i >= 0 {
		v = v[:i]
	}
	if i := strings.IndexAny(v, "+~"); i >= 0 {
		v = v[:i]
	}
	return v
}

func sortedKeys(m map[int]string) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
