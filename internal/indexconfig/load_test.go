package indexconfig

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// loadCase sets up files under a temporary root ($ROOT in env values and expectations) laid out
// as home/, xdg1/, xdg2/ (the XDG config dirs), etc/ and venv/. The pip behaviours encoded here
// were checked by running pip 26.3 (`pip install --dry-run`, "Looking in indexes") on the same
// layouts; the uv ones by running uv 0.13.9 (`uv pip compile --emit-index-url`).
type loadCase struct {
	name      string
	files     map[string]string
	env       map[string]string
	flags     Flags
	xdgHome   string // Env.XDGConfigHome, relative to the root
	want      Config
	wantErr   string
	wantNoIdx bool
}

const (
	idxA = "https://a.example/simple/"
	idxB = "https://b.example/simple/"
	idxC = "https://c.example/simple/"
	idxD = "https://d.example/simple/"
)

func global(key, value string) string { return "[global]\n" + key + " = " + value + "\n" }

var loadCases = []loadCase{
	{name: "nothing configured", wantNoIdx: true},
	{name: "flag", flags: Flags{IndexURL: idxA}, want: Config{IndexURL: idxA, Source: "--index-url"}},
	{
		name:  "flags override every other source",
		flags: Flags{IndexURL: idxA, ExtraIndexURLs: []string{idxB, " ", idxC}},
		env: map[string]string{
			"UV_DEFAULT_INDEX": idxD, "UV_INDEX_URL": idxD, "PIP_INDEX_URL": idxD,
			"UV_INDEX": idxD, "UV_EXTRA_INDEX_URL": idxD, "PIP_EXTRA_INDEX_URL": idxD,
		},
		files: map[string]string{"etc/pip.conf": global("index-url", idxD)},
		want:  Config{IndexURL: idxA, Source: "--index-url", ExtraIndexURLs: []string{idxB, idxC}, ExtraSource: "--extra-index-url"},
	},
	{
		name: "UV_DEFAULT_INDEX beats UV_INDEX_URL and PIP_INDEX_URL",
		env:  map[string]string{"UV_DEFAULT_INDEX": idxA, "UV_INDEX_URL": idxB, "PIP_INDEX_URL": idxC},
		want: Config{IndexURL: idxA, Source: "UV_DEFAULT_INDEX"},
	},
	{
		name: "UV_INDEX_URL beats PIP_INDEX_URL",
		env:  map[string]string{"UV_INDEX_URL": idxB, "PIP_INDEX_URL": idxC},
		want: Config{IndexURL: idxB, Source: "UV_INDEX_URL"},
	},
	{
		name:  "PIP_INDEX_URL beats pip.conf",
		env:   map[string]string{"PIP_INDEX_URL": idxC},
		files: map[string]string{"venv/pip.conf": global("index-url", idxD)},
		want:  Config{IndexURL: idxC, Source: "PIP_INDEX_URL"},
	},
	{
		name:  "empty variables are unset",
		env:   map[string]string{"UV_DEFAULT_INDEX": "", "UV_INDEX_URL": " ", "PIP_INDEX_URL": "", "UV_INDEX": " ", "PIP_EXTRA_INDEX_URL": "\n"},
		files: map[string]string{"etc/pip.conf": global("index-url", idxD)},
		want:  Config{IndexURL: idxD, Source: "$ROOT/etc/pip.conf [global] index-url"},
	},
	{
		name: "UV_DEFAULT_INDEX with a name",
		env:  map[string]string{"UV_DEFAULT_INDEX": "internal=" + idxA},
		want: Config{IndexURL: idxA, Source: "UV_DEFAULT_INDEX"},
	},
	{
		name:    "UV_DEFAULT_INDEX with an invalid name",
		env:     map[string]string{"UV_DEFAULT_INDEX": "bad!name=" + idxA},
		wantErr: `UV_DEFAULT_INDEX: index name "bad!name" may only contain`,
	},
	{
		name:    "UV_INDEX with an empty name",
		env:     map[string]string{"UV_DEFAULT_INDEX": idxA, "UV_INDEX": "=" + idxB},
		wantErr: "UV_INDEX: index \"=" + idxB + "\" has an empty name",
	},
	{
		name: "UV_INDEX then UV_EXTRA_INDEX_URL, names stripped, '=' in a query kept",
		env: map[string]string{
			"UV_DEFAULT_INDEX":   idxA,
			"UV_INDEX":           "https://b.example/simple/?token=x n2.x_y-z=" + idxC,
			"UV_EXTRA_INDEX_URL": idxD + "  " + idxA,
		},
		want: Config{
			IndexURL: idxA, Source: "UV_DEFAULT_INDEX",
			ExtraIndexURLs: []string{"https://b.example/simple/?token=x", idxC, idxD, idxA},
			ExtraSource:    "UV_INDEX and UV_EXTRA_INDEX_URL",
		},
	},
	{
		name: "UV_EXTRA_INDEX_URL alone beats PIP_EXTRA_INDEX_URL",
		env:  map[string]string{"PIP_INDEX_URL": idxA, "UV_EXTRA_INDEX_URL": idxB, "PIP_EXTRA_INDEX_URL": idxC},
		want: Config{IndexURL: idxA, Source: "PIP_INDEX_URL", ExtraIndexURLs: []string{idxB}, ExtraSource: "UV_EXTRA_INDEX_URL"},
	},
	{
		name: "UV_INDEX alone",
		env:  map[string]string{"PIP_INDEX_URL": idxA, "UV_INDEX": idxB},
		want: Config{IndexURL: idxA, Source: "PIP_INDEX_URL", ExtraIndexURLs: []string{idxB}, ExtraSource: "UV_INDEX"},
	},
	{
		name:  "PIP_EXTRA_INDEX_URL split on any whitespace, replacing pip.conf extras",
		env:   map[string]string{"PIP_EXTRA_INDEX_URL": " " + idxB + "\t" + idxC + "\n"},
		files: map[string]string{"etc/pip.conf": global("index-url", idxA) + "extra-index-url = " + idxD + "\n"},
		want: Config{
			IndexURL: idxA, Source: "$ROOT/etc/pip.conf [global] index-url",
			ExtraIndexURLs: []string{idxB, idxC}, ExtraSource: "PIP_EXTRA_INDEX_URL",
		},
	},
	{
		name: "pip.conf multi-line extra-index-url",
		files: map[string]string{"home/.config/pip/pip.conf": "[global]\nindex_url = " + idxA +
			"\nextra-index-url =\n    " + idxB + "\n    # not this one\n\n    " + idxC + " " + idxD + "\n"},
		want: Config{
			IndexURL: idxA, Source: "$ROOT/home/.config/pip/pip.conf [global] index-url",
			ExtraIndexURLs: []string{idxB, idxC, idxD}, ExtraSource: "$ROOT/home/.config/pip/pip.conf [global] extra-index-url",
		},
	},
	{
		name: "global files: XDG dirs in order, then /etc/pip.conf",
		files: map[string]string{
			"xdg1/pip/pip.conf": global("index-url", idxA) + "extra-index-url = " + idxB + "\n",
			"xdg2/pip/pip.conf": global("index-url", idxC),
			"etc/pip.conf":      global("index-url", idxD),
		},
		want: Config{
			IndexURL: idxD, Source: "$ROOT/etc/pip.conf [global] index-url",
			ExtraIndexURLs: []string{idxB}, ExtraSource: "$ROOT/xdg1/pip/pip.conf [global] extra-index-url",
		},
	},
	{
		name: "later XDG dir overrides earlier",
		files: map[string]string{
			"xdg1/pip/pip.conf": global("index-url", idxA),
			"xdg2/pip/pip.conf": global("index-url", idxC),
		},
		want: Config{IndexURL: idxC, Source: "$ROOT/xdg2/pip/pip.conf [global] index-url"},
	},
	{
		name: "user files override global; the XDG user file overrides the legacy one",
		files: map[string]string{
			"etc/pip.conf":              global("index-url", idxA),
			"home/.pip/pip.conf":        global("index-url", idxB) + "extra-index-url = " + idxD + "\n",
			"home/.config/pip/pip.conf": global("index-url", idxC),
		},
		want: Config{
			IndexURL: idxC, Source: "$ROOT/home/.config/pip/pip.conf [global] index-url",
			ExtraIndexURLs: []string{idxD}, ExtraSource: "$ROOT/home/.pip/pip.conf [global] extra-index-url",
		},
	},
	{
		name:    "XDG_CONFIG_HOME replaces ~/.config",
		xdgHome: "cfg",
		files: map[string]string{
			"home/.config/pip/pip.conf": global("index-url", idxA),
			"cfg/pip/pip.conf":          global("index-url", idxB),
		},
		want: Config{IndexURL: idxB, Source: "$ROOT/cfg/pip/pip.conf [global] index-url"},
	},
	{
		name: "site file overrides user",
		files: map[string]string{
			"home/.config/pip/pip.conf": global("index-url", idxA),
			"venv/pip.conf":             global("index-url", idxB),
		},
		want: Config{IndexURL: idxB, Source: "$ROOT/venv/pip.conf [global] index-url"},
	},
	{
		name: "an existing PIP_CONFIG_FILE is read last and hides the user files",
		env:  map[string]string{"PIP_CONFIG_FILE": "$ROOT/my.conf"},
		files: map[string]string{
			"my.conf":                   global("index-url", idxA),
			"venv/pip.conf":             global("index-url", idxB),
			"home/.config/pip/pip.conf": global("extra-index-url", idxC),
			"etc/pip.conf":              global("extra-index-url", idxD),
		},
		want: Config{
			IndexURL: idxA, Source: "$ROOT/my.conf [global] index-url",
			ExtraIndexURLs: []string{idxD}, ExtraSource: "$ROOT/etc/pip.conf [global] extra-index-url",
		},
	},
	{
		name:  "a missing PIP_CONFIG_FILE leaves the user files in",
		env:   map[string]string{"PIP_CONFIG_FILE": "$ROOT/missing.conf"},
		files: map[string]string{"home/.pip/pip.conf": global("index-url", idxA)},
		want:  Config{IndexURL: idxA, Source: "$ROOT/home/.pip/pip.conf [global] index-url"},
	},
	{
		name: "PIP_CONFIG_FILE=/dev/null disables every file",
		env:  map[string]string{"PIP_CONFIG_FILE": os.DevNull},
		files: map[string]string{
			"etc/pip.conf": global("index-url", idxA), "venv/pip.conf": global("index-url", idxA),
			"home/.pip/pip.conf": global("index-url", idxA),
		},
		wantNoIdx: true,
	},
	{
		name:  "PIP_CONFIG_FILE=/dev/null keeps the variables",
		env:   map[string]string{"PIP_CONFIG_FILE": os.DevNull, "PIP_INDEX_URL": idxB},
		files: map[string]string{"etc/pip.conf": global("index-url", idxA)},
		want:  Config{IndexURL: idxB, Source: "PIP_INDEX_URL"},
	},
	{
		name: "[install] overrides [global] even from an earlier file",
		files: map[string]string{
			"xdg1/pip/pip.conf":         "[install]\nindex-url = " + idxA + "\n",
			"home/.config/pip/pip.conf": global("index-url", idxB) + "[download]\nindex-url = " + idxC + "\n",
		},
		want: Config{IndexURL: idxA, Source: "$ROOT/xdg1/pip/pip.conf [install] index-url"},
	},
	{
		name:      "[download] and other commands' sections are ignored",
		files:     map[string]string{"etc/pip.conf": "[download]\nindex-url = " + idxA + "\n[freeze]\nindex-url = " + idxA + "\n[Global]\nindex-url = " + idxA + "\n"},
		wantNoIdx: true,
	},
	{
		name: "an empty value in a later file unsets the key",
		files: map[string]string{
			"etc/pip.conf":              global("index-url", idxA),
			"home/.config/pip/pip.conf": "[global]\nindex-url =\n",
		},
		wantNoIdx: true,
	},
	{
		name:  "an empty [install] value leaves [global]",
		files: map[string]string{"etc/pip.conf": global("index-url", idxA) + "[install]\nindex-url =\n"},
		want:  Config{IndexURL: idxA, Source: "$ROOT/etc/pip.conf [global] index-url"},
	},
	{
		name:  "[DEFAULT] options reach [global]",
		files: map[string]string{"etc/pip.conf": "[DEFAULT]\nindex-url = " + idxA + "\n[global]\n"},
		want:  Config{IndexURL: idxA, Source: "$ROOT/etc/pip.conf [global] index-url"},
	},
	{
		name:      "[DEFAULT] alone configures nothing",
		files:     map[string]string{"etc/pip.conf": "[DEFAULT]\nindex-url = " + idxA + "\n"},
		wantNoIdx: true,
	},
	{
		name:    "an unparsable file is an error naming it",
		env:     map[string]string{"PIP_INDEX_URL": idxA},
		files:   map[string]string{"venv/pip.conf": "index-url = " + idxA + "\n"},
		wantErr: "pip configuration $ROOT/venv/pip.conf: invalid pip configuration file: line 1:",
	},
	{
		name:    "a duplicate key is an error",
		files:   map[string]string{"etc/pip.conf": global("index-url", idxA) + "index_url = " + idxB + "\n"},
		wantErr: `line 3: option "index-url" appears twice in section [global]`,
	},
	{
		name:    "an unreadable file is an error",
		files:   map[string]string{"home/.pip/pip.conf/x": ""},
		wantErr: "read pip configuration: read $ROOT/home/.pip/pip.conf: is a directory",
	},
	{
		name:    "not http",
		files:   map[string]string{"etc/pip.conf": global("index-url", "file:///srv/simple/")},
		wantErr: `index URL "file:///srv/simple/" from $ROOT/etc/pip.conf [global] index-url: want an http or https URL`,
	},
	{
		name:    "a relative path is not an index URL",
		flags:   Flags{IndexURL: "./simple"},
		wantErr: `index URL "./simple" from --index-url: want an http or https URL`,
	},
	{
		name:    "no host",
		env:     map[string]string{"PIP_INDEX_URL": "https:///simple/"},
		wantErr: `index URL "https:///simple/" from PIP_INDEX_URL: no host`,
	},
	{
		name:    "a bad extra URL names its source",
		env:     map[string]string{"PIP_INDEX_URL": idxA, "UV_INDEX": "ftp://mirror.example/"},
		wantErr: `index URL "ftp://mirror.example/" from UV_INDEX: want an http or https URL`,
	},
	{
		name:    "an inline comment is not a comment in pip.conf",
		files:   map[string]string{"etc/pip.conf": global("index-url", idxA+" # our mirror")},
		wantErr: "index URL from $ROOT/etc/pip.conf [global] index-url contains whitespace",
	},
	{
		name:    "a multi-line index-url",
		files:   map[string]string{"etc/pip.conf": "[global]\nindex-url =\n  " + idxA + "\n  " + idxB + "\n"},
		wantErr: "index URL from $ROOT/etc/pip.conf [global] index-url contains whitespace",
	},
	{
		name:    "an unparsable URL",
		env:     map[string]string{"PIP_INDEX_URL": "https://a.example:port/"},
		wantErr: `index URL from PIP_INDEX_URL is not a valid URL: invalid port ":port"`,
	},
	{
		name:    "credentials are not repeated in errors",
		env:     map[string]string{"PIP_INDEX_URL": "ftp://user:s3cret@a.example/simple/"},
		wantErr: `index URL "ftp://user:xxxxx@a.example/simple/" from PIP_INDEX_URL`,
	},
	{
		name: "credentials are kept in the result",
		env:  map[string]string{"PIP_INDEX_URL": "https://user:s3cret@a.example/simple/"},
		want: Config{IndexURL: "https://user:s3cret@a.example/simple/", Source: "PIP_INDEX_URL"},
	},
	{
		name:      "extra indexes without a main index",
		env:       map[string]string{"PIP_EXTRA_INDEX_URL": idxB},
		wantNoIdx: true,
		wantErr:   "extra indexes are set (by PIP_EXTRA_INDEX_URL) but no main index",
	},
	{
		name:  "each setting from its own highest source",
		env:   map[string]string{"UV_INDEX": idxB},
		files: map[string]string{"etc/pip.conf": global("index-url", idxA) + "extra-index-url = " + idxC + "\n"},
		want: Config{
			IndexURL: idxA, Source: "$ROOT/etc/pip.conf [global] index-url",
			ExtraIndexURLs: []string{idxB}, ExtraSource: "UV_INDEX",
		},
	},
	{
		name:  "index-url written --index-url in the file",
		files: map[string]string{"etc/pip.conf": global("--INDEX_URL", idxA)},
		want:  Config{IndexURL: idxA, Source: "$ROOT/etc/pip.conf [global] index-url"},
	},
}

func TestLoad(t *testing.T) {
	for _, tc := range loadCases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			expand := func(s string) string { return strings.ReplaceAll(s, "$ROOT", root) }
			for name, content := range tc.files {
				p := filepath.Join(root, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			env := Env{
				Getenv:        func(k string) string { return expand(tc.env[k]) },
				HomeDir:       filepath.Join(root, "home"),
				XDGConfigDirs: []string{filepath.Join(root, "xdg1"), "", filepath.Join(root, "xdg2")},
				EtcDir:        filepath.Join(root, "etc"),
				VirtualEnv:    filepath.Join(root, "venv"),
			}
			if tc.xdgHome != "" {
				env.XDGConfigHome = filepath.Join(root, tc.xdgHome)
			}
			got, err := Load(env, tc.flags)
			if tc.wantErr != "" || tc.wantNoIdx {
				if err == nil {
					t.Fatalf("Load = %+v, want an error", got)
				}
				if tc.wantNoIdx != errors.Is(err, ErrNoIndex) {
					t.Errorf("errors.Is(%v, ErrNoIndex) = %v", err, !tc.wantNoIdx)
				}
				if !strings.Contains(err.Error(), expand(tc.wantErr)) {
					t.Errorf("error %q does not contain %q", err, expand(tc.wantErr))
				}
				if strings.Contains(err.Error(), "s3cret") {
					t.Errorf("error %q repeats a password", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := tc.want
			want.Source, want.ExtraSource = expand(want.Source), expand(want.ExtraSource)
			if got.IndexURL != want.IndexURL || got.Source != want.Source || got.ExtraSource != want.ExtraSource ||
				!slices.Equal(got.ExtraIndexURLs, want.ExtraIndexURLs) {
				t.Errorf("Load =\n%+v, want\n%+v", got, want)
			}
		})
	}
}

func TestNoIndexMessage(t *testing.T) {
	_, err := Load(Env{}, Flags{})
	if !errors.Is(err, ErrNoIndex) {
		t.Fatalf("Load(zero Env) error = %v, want ErrNoIndex", err)
	}
	for _, hint := range []string{"PIP_INDEX_URL", "UV_DEFAULT_INDEX", "index-url", "pip.conf", "--index-url"} {
		if !strings.Contains(err.Error(), hint) {
			t.Errorf("error %q does not mention %s", err, hint)
		}
	}
}

func TestSearchOrder(t *testing.T) {
	c := Config{IndexURL: idxA, ExtraIndexURLs: []string{idxB, idxC}}
	if got, want := c.SearchOrder(), []string{idxB, idxC, idxA}; !slices.Equal(got, want) {
		t.Errorf("SearchOrder = %q, want %q", got, want)
	}
	if got := c.SearchOrder(); &got[0] == &c.ExtraIndexURLs[0] {
		t.Error("SearchOrder shares the ExtraIndexURLs array")
	}
}

func TestFromOS(t *testing.T) {
	t.Setenv("HOME", "/home/someone")
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("XDG_CONFIG_DIRS", "/opt/xdg:/etc/xdg2")
	t.Setenv("VIRTUAL_ENV", "/srv/venv")
	t.Setenv("PIP_INDEX_URL", idxA)
	env := FromOS()
	if env.HomeDir != "/home/someone" || env.XDGConfigHome != "" || env.EtcDir != "/etc" || env.VirtualEnv != "/srv/venv" ||
		!slices.Equal(env.XDGConfigDirs, []string{"/opt/xdg", "/etc/xdg2"}) || env.Getenv("PIP_INDEX_URL") != idxA {
		t.Errorf("FromOS = %+v", env)
	}
	t.Setenv("XDG_CONFIG_DIRS", " ")
	if got := FromOS().XDGConfigDirs; !slices.Equal(got, []string{"/etc/xdg"}) {
		t.Errorf("XDGConfigDirs with XDG_CONFIG_DIRS blank = %q, want [/etc/xdg]", got)
	}
}
