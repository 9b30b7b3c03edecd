// Package indexconfig finds the package index a user has configured for pip or uv (flags, UV_*
// and PIP_* environment variables, pip.conf files), so Citadel resolves against the index its
// users already set up. Citadel deliberately has no built-in default index.
package indexconfig

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"unicode"
)

// Config is the index configuration in effect and where it came from.
type Config struct {
	IndexURL       string
	ExtraIndexURLs []string
	// Source names where IndexURL came from: a flag ("--index-url"), an environment variable
	// ("PIP_INDEX_URL") or a file, section and key ("/etc/pip.conf [global] index-url").
	Source string
	// ExtraSource names where ExtraIndexURLs came from, like Source; "" when there are none.
	ExtraSource string
}

// Flags are the command-line options, which override every other source.
type Flags struct {
	IndexURL       string
	ExtraIndexURLs []string
}

// Env is everything Load reads from the system, so tests and callers control it fully. Empty
// fields mean "none": a zero Env reads no environment variables and no files.
type Env struct {
	Getenv        func(string) string
	HomeDir       string   // for ~/.pip/pip.conf, and ~/.config when XDGConfigHome is empty
	XDGConfigHome string   // user pip.conf is XDGConfigHome/pip/pip.conf
	XDGConfigDirs []string // global pip.conf files are <dir>/pip/pip.conf, in this order
	EtcDir        string   // the last global file is EtcDir/pip.conf ("/etc" on Unix)
	VirtualEnv    string   // the site file is VirtualEnv/pip.conf
}

// FromOS describes the running system the way pip sees it on Unix.
func FromOS() Env {
	home, err := os.UserHomeDir()
	if err != nil {
		home = "" // no home directory: pip would find no user files either
	}
	dirs := os.Getenv("XDG_CONFIG_DIRS")
	if strings.TrimSpace(dirs) == "" {
		dirs = "/etc/xdg"
	}
	return Env{
		Getenv:        os.Getenv,
		HomeDir:       home,
		XDGConfigHome: strings.TrimSpace(os.Getenv("XDG_CONFIG_HOME")),
		XDGConfigDirs: filepath.SplitList(dirs),
		EtcDir:        "/etc",
		VirtualEnv:    os.Getenv("VIRTUAL_ENV"),
	}
}

// ErrNoIndex is returned, wrapped with advice, when no index URL is configured anywhere.
var ErrNoIndex = errors.New("no package index configured (Citadel has no built-in default index)")

// Load returns the index configuration. Each of the two settings is taken from the first source
// that sets it, in this order:
//
//   - flags: --index-url, --extra-index-url;
//   - uv's variables: UV_DEFAULT_INDEX, then its deprecated alias UV_INDEX_URL; UV_INDEX
//     followed by UV_EXTRA_INDEX_URL (space-separated lists; UV_INDEX and UV_DEFAULT_INDEX
//     may be written name=URL, as uv accepts);
//   - pip's variables: PIP_INDEX_URL, PIP_EXTRA_INDEX_URL (whitespace-separated);
//   - pip's configuration files, read as pip 26.3's `pip install` reads them on Unix: the
//     global files (pip/pip.conf in each XDG config dir, then /etc/pip.conf), the user files
//     (~/.pip/pip.conf, then $XDG_CONFIG_HOME/pip/pip.conf), the site file
//     ($VIRTUAL_ENV/pip.conf), then PIP_CONFIG_FILE; a later file overrides an earlier one, and
//     the [install] section overrides [global].
//
// A pip.conf that pip could not parse is an error even when flags make it moot, as in pip.
// Empty values count as unset, as in pip and uv. Unlike pip, --extra-index-url replaces the
// extra indexes from lower sources instead of adding to them. Every URL must be http or https.
func Load(env Env, flags Flags) (Config, error) {
	getenv := env.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	pip, err := pipConfig(env, getenv)
	if err != nil {
		return Config{}, err
	}
	var cfg Config
	if err := cfg.pickIndex(flags, getenv, pip); err != nil {
		return Config{}, err
	}
	if err := cfg.pickExtras(flags, getenv, pip); err != nil {
		return Config{}, err
	}
	if cfg.IndexURL == "" {
		if len(cfg.ExtraIndexURLs) > 0 {
			return Config{}, fmt.Errorf("%w: extra indexes are set (by %s) but no main index, which pip and uv would default to the public index; set PIP_INDEX_URL or UV_DEFAULT_INDEX, index-url in pip.conf, or pass --index-url", ErrNoIndex, cfg.ExtraSource)
		}
		return Config{}, fmt.Errorf("%w: set PIP_INDEX_URL or UV_DEFAULT_INDEX, index-url in the [global] section of pip.conf, or pass --index-url", ErrNoIndex)
	}
	if err := checkURL(cfg.IndexURL, cfg.Source); err != nil {
		return Config{}, err
	}
	for _, u := range cfg.ExtraIndexURLs {
		if err := checkURL(u, cfg.ExtraSource); err != nil {
			return Config{}, err
		}
	}
	return cfg, nil
}

// SearchOrder lists the indexes in the order to ask them: the extra indexes first, then the main
// one, as uv does. With a first-index-wins client this order keeps a private extra index from
// being shadowed by a same-named project on a public main index (dependency confusion).
func (c Config) SearchOrder() []string {
	return append(append([]string(nil), c.ExtraIndexURLs...), c.IndexURL)
}

func (c *Config) pickIndex(flags Flags, getenv func(string) string, pip pipSettings) error {
	if u := strings.TrimSpace(flags.IndexURL); u != "" {
		c.IndexURL, c.Source = u, "--index-url"
		return nil
	}
	if v := strings.TrimSpace(getenv("UV_DEFAULT_INDEX")); v != "" {
		u, err := uvIndexURL(v, "UV_DEFAULT_INDEX")
		c.IndexURL, c.Source = u, "UV_DEFAULT_INDEX"
		return err
	}
	for _, name := range []string{"UV_INDEX_URL", "PIP_INDEX_URL"} {
		if u := strings.TrimSpace(getenv(name)); u != "" {
			c.IndexURL, c.Source = u, name
			return nil
		}
	}
	if s, ok := pip["index-url"]; ok {
		c.IndexURL, c.Source = s.value, s.source
	}
	return nil
}

func (c *Config) pickExtras(flags Flags, getenv func(string) string, pip pipSettings) error {
	for _, u := range flags.ExtraIndexURLs {
		if u = strings.TrimSpace(u); u != "" {
			c.ExtraIndexURLs, c.ExtraSource = append(c.ExtraIndexURLs, u), "--extra-index-url"
		}
	}
	if c.ExtraIndexURLs != nil {
		return nil
	}
	var sources []string
	for _, v := range strings.Fields(getenv("UV_INDEX")) {
		u, err := uvIndexURL(v, "UV_INDEX")
		if err != nil {
			return err
		}
		c.ExtraIndexURLs, sources = append(c.ExtraIndexURLs, u), []string{"UV_INDEX"}
	}
	if extra := strings.Fields(getenv("UV_EXTRA_INDEX_URL")); len(extra) > 0 {
		c.ExtraIndexURLs, sources = append(c.ExtraIndexURLs, extra...), append(sources, "UV_EXTRA_INDEX_URL")
	}
	if sources != nil {
		c.ExtraSource = strings.Join(sources, " and ")
		return nil
	}
	if extra := strings.Fields(getenv("PIP_EXTRA_INDEX_URL")); len(extra) > 0 {
		c.ExtraIndexURLs, c.ExtraSource = extra, "PIP_EXTRA_INDEX_URL"
		return nil
	}
	if s, ok := pip["extra-index-url"]; ok {
		c.ExtraIndexURLs, c.ExtraSource = strings.Fields(s.value), s.source
	}
	return nil
}

// uvIndexURL strips the optional "name=" that uv accepts before an index URL. As in uv, text
// before the first '=' is a name unless it contains ':' (then the whole value is a URL, such as
// one with a query string), and a name may only use ASCII letters, digits, '-', '_' and '.'.
func uvIndexURL(v, source string) (string, error) {
	name, u, ok := strings.Cut(v, "=")
	if !ok || strings.Contains(name, ":") {
		return v, nil
	}
	if name == "" {
		return "", fmt.Errorf("%s: index %q has an empty name before '='", source, v)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return "", fmt.Errorf("%s: index name %q may only contain ASCII letters, digits, '-', '_' and '.'", source, name)
		}
	}
	return u, nil
}

// checkURL accepts only absolute http(s) URLs: Citadel's index client speaks HTTP only. Error
// messages never repeat the password of a URL with credentials.
func checkURL(s, source string) error {
	if strings.ContainsFunc(s, unicode.IsSpace) {
		// Most likely a comment after the value: pip.conf has no inline comments.
		return fmt.Errorf("index URL from %s contains whitespace (pip.conf has no comments after values)", source)
	}
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("index URL from %s is not a valid URL: %w", source, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("index URL %q from %s: want an http or https URL", u.Redacted(), source)
	}
	if u.Host == "" {
		return fmt.Errorf("index URL %q from %s: no host", u.Redacted(), source)
	}
	return nil
}
