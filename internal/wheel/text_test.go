package wheel

import (
	"slices"
	"strings"
	"testing"
)

// Expected values below were generated with Python 3.11.7 (the interpreter
// pip 26.3 runs on in tools/test.sh): list(csv.reader([line]))[0],
// s.splitlines(), os.path.relpath(target, base) and csv.writer(...).writerows.

func TestParseCSVLine(t *testing.T) {
	cases := []struct {
		line string
		want []string
	}{
		{"a,b,c", []string{"a", "b", "c"}},
		{"\"a,b\",c,d", []string{"a,b", "c", "d"}},
		{"\"a\"\"b\",c", []string{"a\"b", "c"}},
		{"a\"b,c", []string{"a\"b", "c"}},
		{"\"a\"b,c", []string{"ab", "c"}},
		{"", nil},
		{",,", []string{"", "", ""}},
		{"\"\",x,", []string{"", "x", ""}},
		{"a,\"\",", []string{"a", "", ""}},
		{"\"x\" y,1,2", []string{"x y", "1", "2"}},
		{"\u00e9,\u00fc,\"\u00df,\"", []string{"\u00e9", "\u00fc", "\u00df,"}},
		{" a , b ,c", []string{" a ", " b ", "c"}},
	}
	for _, c := range cases {
		got, err := parseCSVLine(c.line)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("parseCSVLine(%q) = %q, %v; want %q", c.line, got, err, c.want)
		}
	}
	if _, err := parseCSVLine(`"open,1,2`); err == nil {
		t.Error("unterminated quote accepted")
	}
}

func TestPySplitLines(t *testing.T) {
	cases := []struct {
		s    string
		want []string
	}{
		{"a\nb", []string{"a", "b"}},
		{"a\r\nb\r\n", []string{"a", "b"}},
		{"a\rb", []string{"a", "b"}},
		{"a\u000bb\fc", []string{"a", "b", "c"}},
		{"a\u001cb\u001dc\u001ed", []string{"a", "b", "c", "d"}},
		{"a\u0085b", []string{"a", "b"}},
		{"a\u2028b\u2029c", []string{"a", "b", "c"}},
		{"\n\nx", []string{"", "", "x"}},
		{"x\n\n", []string{"x", ""}},
		{"", nil},
		{"a\r\r\nb", []string{"a", "", "b"}},
		{"no break", []string{"no break"}},
	}
	for _, c := range cases {
		if got := pySplitLines(c.s); !slices.Equal(got, c.want) {
			t.Errorf("pySplitLines(%q) = %q, want %q", c.s, got, c.want)
		}
	}
}

func TestRelPath(t *testing.T) {
	cases := []struct{ target, base, want string }{
		{"/v/bin/x", "/v/lib/python3.11/site-packages", "../../../bin/x"},
		{"/v/lib/python3.11/site-packages/a/b", "/v/lib/python3.11/site-packages", "a/b"},
		{"/x", "/", "x"},
		{"/a/b", "/a/b/c/d", "../.."},
		{"/opt/x/y", "/var/lib/z", "../../../opt/x/y"},
		{"/a", "/a", "."},
	}
	for _, c := range cases {
		if got := relPath(c.target, c.base); got != c.want {
			t.Errorf("relPath(%q, %q) = %q, want %q", c.target, c.base, got, c.want)
		}
	}
}

func TestFormatRecord(t *testing.T) {
	rows := []recordRow{{"a,b", "sha256=x", "1"}, {`q"q`, "", ""}, {"plain", "h", "2"}, {"sp ace", "", ""}, {"", "", ""}}
	want := "\"a,b\",sha256=x,1\r\n\"q\"\"q\",,\r\nplain,h,2\r\nsp ace,,\r\n,,\r\n"
	if got := string(formatRecord(rows)); got != want {
		t.Errorf("formatRecord = %q, want %q", got, want)
	}
}

func TestParseHeaders(t *testing.T) {
	h := parseHeaders("Wheel-Version:  1.0 \r\nroot-is-purelib: true\nRoot-Is-Purelib: false\nTag: a\n  b\n\nWheel-Version: 9\n")
	want := map[string]string{"wheel-version": "1.0 ", "root-is-purelib": "true", "tag": "a\n  b"}
	if len(h) != len(want) {
		t.Fatalf("parseHeaders = %q", h)
	}
	for k, v := range want {
		if h[k] != v {
			t.Errorf("%s = %q, want %q", k, h[k], v)
		}
	}
}

// The shebang forms are those distlib writes on Linux; the parity test
// checks all three against pip in venvs at such paths.
func TestLauncherShebang(t *testing.T) {
	long := "/" + strings.Repeat("d", 130) + "/bin/python"
	cases := []struct{ python, want string }{
		{"/venv/bin/python", "#!/venv/bin/python\n"},
		{"/my venv/bin/python", "#!/bin/sh\n'''exec' \"/my venv/bin/python\" \"$0\" \"$@\"\n' '''\n"},
		{"/" + strings.Repeat("d", 113) + "/bin/python", "#!/bin/sh\n'''exec' /" + strings.Repeat("d", 113) + "/bin/python \"$0\" \"$@\"\n' '''\n"}, // 128 bytes
		{long, "#!/bin/sh\n'''exec' " + long + " \"$0\" \"$@\"\n' '''\n"},
		{"/" + strings.Repeat("d", 112) + "/bin/python", "#!/" + strings.Repeat("d", 112) + "/bin/python\n"}, // 127 bytes
		{"/usr/bin/env python3", "#!/bin/sh\n'''exec' /usr/bin/env python3 \"$0\" \"$@\"\n' '''\n"},
		{"/usr/bin/env my python", "#!/bin/sh\n'''exec' /usr/bin/env \"my python\" \"$0\" \"$@\"\n' '''\n"},
	}
	for _, c := range cases {
		if got := launcherShebang(c.python); got != c.want {
			t.Errorf("launcherShebang(%q) = %q, want %q", c.python, got, c.want)
		}
	}
}

func TestParseEntryPoint(t *testing.T) {
	good := []struct{ name, value, module, attr string }{
		{"tool", "pkg.mod:main", "pkg.mod", "main"},
		{"tool", "pkg:Klass.method", "pkg", "Klass.method"},
		{"tool", "pkg:main [extra1, extra2]", "pkg", "main"},
		{"tool", "pkg:main[extra]", "pkg", "main"},
		{"tool", "pkg:main # comment", "pkg", "main"},
		{"pip3.11", "pip._internal.cli.main:main", "pip._internal.cli.main", "main"},
		{"oslo-config-generator", "oslo_config.generator:main", "oslo_config.generator", "main"},
	}
	for _, c := range good {
		ep, err := parseEntryPoint(c.name, c.value)
		if err != nil || ep.module != c.module || ep.attr != c.attr {
			t.Errorf("parseEntryPoint(%q, %q) = %+v, %v", c.name, c.value, ep, err)
		}
	}
	bad := [][2]string{
		{"tool", "pkg"}, {"tool", "pkg:a:b"}, {"tool", ""}, {"tool", ":main"}, {"tool", "pkg:main [a b]"},
		{"tool", "pkg:main]"}, {"tool", "pkg:maín"}, {"../tool", "pkg:main"}, {"a/b", "pkg:main"}, {"..", "pkg:main"},
		{"", "pkg:main"}, {"with space", "pkg:main"}, {"[x", "pkg:main"},
	}
	for _, c := range bad {
		if ep, err := parseEntryPoint(c[0], c[1]); err == nil {
			t.Errorf("parseEntryPoint(%q, %q) = %+v, want an error", c[0], c[1], ep)
		}
	}
}

func TestConsoleLaunchers(t *testing.T) {
	eps := []entryPoint{{name: "pip3.8"}, {name: "pip"}, {name: "pip3"}, {name: "easy_install-3.8"}, {name: "easy_install"}, {name: "pip-tool"}, {name: "pipx"}}
	got, err := consoleLaunchers(eps, "3.12")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ep := range got {
		names = append(names, ep.name)
	}
	want := []string{"pip", "pip3", "pip3.12", "easy_install", "easy_install-3.12", "pip-tool", "pipx"}
	if !slices.Equal(names, want) {
		t.Errorf("launchers %q, want %q", names, want)
	}
	if _, err := consoleLaunchers(eps, ""); err == nil {
		t.Error("pip launchers made without a Python version")
	}
	if got, err := consoleLaunchers(eps[5:], ""); err != nil || len(got) != 2 {
		t.Errorf("launchers without pip need no Python version: %v, %v", got, err)
	}
}
