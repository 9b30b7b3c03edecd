package wheel

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// entryPoint is a console_scripts or gui_scripts entry: the launcher's file
// name and the object it calls, split as distlib splits it.
type entryPoint struct {
	name   string // launcher file name, e.g. "oslo-config-generator"
	value  string // as written, e.g. "oslo_config.generator:main"
	module string // "oslo_config.generator"
	attr   string // "main"; may be dotted ("Class.method")
}

var (
	// scriptName is stricter than distlib: a plain file name, so the launcher
	// lands directly in the scripts directory.
	scriptName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.+-]*$`)
	// objectRef is distlib's callable pattern, (\w+)([:.]\w+)*, at the start.
	objectRef = regexp.MustCompile(`^\w+(?:[:.]\w+)*`)
	// extrasRef is distlib's optional "[flags]" after the callable.
	extrasRef = regexp.MustCompile(`^\s*\[\s*[\w-]+(?:=\w+)?(?:,\s*\w+(?:=\w+)?)*\s*\]`)

	pythonXY      = regexp.MustCompile(`^[0-9]+\.[0-9]+$`)
	pipVersioned  = regexp.MustCompile(`^pip([0-9]+(\.[0-9]+)?)?$`)
	easyVersioned = regexp.MustCompile(`^easy_install(-[0-9]+\.[0-9]+)?$`)
)

// entryPoints reads entry_points.txt the way Python 3.11's importlib.metadata
// does and keeps the console_scripts and gui_scripts groups as pip does: a
// name given twice keeps its first place and takes the last value.
func (v *validator) entryPoints() error {
	name := v.w.distInfo + "/entry_points.txt"
	data, err := v.read(name, false)
	if err != nil || data == nil {
		return err
	}
	if !utf8.Valid(data) {
		return v.errf(name, "not UTF-8")
	}
	section, hasSection := "", false
	for i, line := range pySplitLines(string(data)) {
		line = pyStrip(line)
		if line == "" || line[0] == '#' {
			continue
		}
		if line[0] == '[' && line[len(line)-1] == ']' {
			section, hasSection = strings.Trim(line, "[]"), true
			continue
		}
		if !hasSection {
			continue // importlib.metadata skips lines before the first section
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			return v.errf(name, "line %d: %q is not name = value", i+1, line)
		}
		var list *[]entryPoint
		switch section {
		case "console_scripts":
			list = &v.w.console
		case "gui_scripts":
			list = &v.w.gui
		default:
			continue
		}
		ep, err := parseEntryPoint(pyStrip(key), pyStrip(value))
		if err != nil {
			return v.errf(name, "line %d: [%s] %w", i+1, section, err)
		}
		if j := indexEntry(*list, ep.name); j >= 0 {
			(*list)[j] = ep
		} else {
			*list = append(*list, ep)
		}
	}
	for _, g := range v.w.gui {
		if indexEntry(v.w.console, g.name) >= 0 {
			return v.errf(name, "%q is both a console and a GUI script", g.name)
		}
	}
	return nil
}

func indexEntry(list []entryPoint, name string) int {
	for i, ep := range list {
		if ep.name == name {
			return i
		}
	}
	return -1
}

// parseEntryPoint splits "module:attr [extras]" as distlib's
// get_export_entry does for the specification "name = value", and refuses
// what pip would refuse (no ":attr", two colons, brackets it cannot parse)
// and names that are not plain file names.
func parseEntryPoint(name, value string) (entryPoint, error) {
	if !scriptName.MatchString(name) {
		return entryPoint{}, fmt.Errorf("script name %q is not a plain file name", name)
	}
	ref := objectRef.FindString(value)
	rest := value[len(ref):]
	// distlib ignores what follows the callable (and its extras), but a
	// non-ASCII word character there would have been part of its \w match.
	if ref == "" || rest != "" && !strings.ContainsRune(" \t\n\r\f[", rune(rest[0])) {
		return entryPoint{}, fmt.Errorf("%s: %q is not an object reference", name, value)
	}
	if !extrasRef.MatchString(rest) && strings.ContainsAny(name+value, "[]") {
		return entryPoint{}, fmt.Errorf("%s: invalid extras in %q", name, value)
	}
	module, attr, _ := strings.Cut(ref, ":")
	if attr == "" {
		return entryPoint{}, fmt.Errorf("%s: %q has no callable suffix (module:function)", name, value)
	}
	if strings.Contains(attr, ":") {
		return entryPoint{}, fmt.Errorf("%s: %q has more than one colon", name, value)
	}
	return entryPoint{name: name, value: value, module: module, attr: attr}, nil
}

// consoleLaunchers applies pip's special case for pip and easy_install,
// whose versioned names are made for the interpreter installing them.
func consoleLaunchers(console []entryPoint, pyVersion string) ([]entryPoint, error) {
	pip, easy := indexEntry(console, "pip"), indexEntry(console, "easy_install")
	if (pip >= 0 || easy >= 0) && !pythonXY.MatchString(pyVersion) {
		return nil, fmt.Errorf("the pip and easy_install launchers need Scheme.PythonVersion as X.Y, not %q", pyVersion)
	}
	major, _, _ := strings.Cut(pyVersion, ".")
	var out []entryPoint
	rename := func(ep entryPoint, name string) entryPoint { ep.name = name; return ep }
	if pip >= 0 {
		ep := console[pip]
		out = append(out, ep, rename(ep, "pip"+major), rename(ep, "pip"+pyVersion))
	}
	if easy >= 0 {
		ep := console[easy]
		out = append(out, ep, rename(ep, "easy_install-"+pyVersion))
	}
	for _, ep := range console {
		if pip >= 0 && pipVersioned.MatchString(ep.name) || easy >= 0 && easyVersioned.MatchString(ep.name) {
			continue
		}
		out = append(out, ep)
	}
	return out, nil
}

// launcher returns the script pip 26.3 (distlib with pip's template) writes
// for an entry point.
func launcher(ep entryPoint, python string) []byte {
	importName, _, _ := strings.Cut(ep.attr, ".")
	return []byte(launcherShebang(python) +
		"import sys\n" +
		"from " + ep.module + " import " + importName + "\n" +
		"if __name__ == '__main__':\n" +
		"    sys.argv[0] = sys.argv[0].removesuffix('.exe')\n" +
		"    sys.exit(" + ep.attr + "())\n")
}

// launcherShebang is distlib's shebang on Linux: the interpreter quoted if it
// holds a space, and a /bin/sh trampoline when it holds a space or the line
// would pass the kernel's 127-byte limit. (distlib also uses the trampoline
// when the interpreter is itself a "#!" script; a venv's python is not.)
func launcherShebang(python string) string {
	if env, exe, ok := strings.Cut(python, " "); ok && env == "/usr/bin/env" {
		if strings.Contains(exe, " ") && !strings.HasPrefix(exe, `"`) {
			python = env + ` "` + exe + `"`
		}
	} else if ok && !strings.HasPrefix(python, `"`) {
		python = `"` + python + `"`
	}
	if !strings.Contains(python, " ") && len(python)+3 <= 127 {
		return "#!" + python + "\n"
	}
	return "#!/bin/sh\n'''exec' " + python + " \"$0\" \"$@\"\n' '''\n"
}

// isLauncherFile reports whether a .data/scripts file is a wrapper that
// setuptools made for an entry point (NAME, NAME.exe, NAME-script.py,
// NAME.pya); pip leaves those out and writes its own launcher.
func (w *Wheel) isLauncherFile(base string) bool {
	match := base
	lower := strings.ToLower(base)
	for _, suffix := range []string{".exe", "-script.py", ".pya"} {
		if strings.HasSuffix(lower, suffix) {
			match = base[:len(base)-len(suffix)]
			break
		}
	}
	return indexEntry(w.console, match) >= 0 || indexEntry(w.gui, match) >= 0
}

// pyStrip trims what Python's str.strip() trims: Unicode white space,
// including the separators U+001C to U+001F.
func pyStrip(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f
	})
}
