// Package osrelease reads os-release(5) files (/etc/os-release, /usr/lib/os-release): the
// identity of the distribution an image is built on.
package osrelease

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
)

// Paths are where os-release(5) says to look, in order.
var Paths = []string{"/etc/os-release", "/usr/lib/os-release"}

// Info is the part of an os-release file SBOMs and scanners use.
type Info struct {
	ID              string // e.g. debian
	VersionID       string // e.g. 12
	VersionCodename string // e.g. bookworm
	PrettyName      string // e.g. Debian GNU/Linux 12 (bookworm)
	Name            string
	HomeURL         string
}

// Parse reads an os-release file: NAME=value lines, values optionally in single or double
// quotes with shell escapes in double quotes; comments and blank lines are skipped. name says
// which file it is, in errors.
func Parse(name string, data []byte) (Info, error) {
	var info Info
	sc := bufio.NewScanner(bytes.NewReader(data))
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		k, raw, ok := strings.Cut(text, "=")
		if !ok || k == "" || strings.ContainsAny(k, " \t\"'") {
			return Info{}, fmt.Errorf("%s:%d: want NAME=value, got %q", name, line, text)
		}
		v, err := unquote(raw)
		if err != nil {
			return Info{}, fmt.Errorf("%s:%d: %s: %w", name, line, k, err)
		}
		switch k {
		case "ID":
			info.ID = v
		case "VERSION_ID":
			info.VersionID = v
		case "VERSION_CODENAME":
			info.VersionCodename = v
		case "PRETTY_NAME":
			info.PrettyName = v
		case "NAME":
			info.Name = v
		case "HOME_URL":
			info.HomeURL = v
		}
	}
	if err := sc.Err(); err != nil {
		return Info{}, fmt.Errorf("%s: %w", name, err)
	}
	if info.ID == "" {
		info.ID = "linux" // os-release(5)'s default
	}
	return info, nil
}

func unquote(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	switch q := s[0]; q {
	case '\'':
		if len(s) < 2 || s[len(s)-1] != '\'' {
			return "", fmt.Errorf("unterminated quote in %q", s)
		}
		return s[1 : len(s)-1], nil
	case '"':
		if len(s) < 2 || s[len(s)-1] != '"' {
			return "", fmt.Errorf("unterminated quote in %q", s)
		}
		var b strings.Builder
		body := s[1 : len(s)-1]
		for i := 0; i < len(body); i++ {
			c := body[i]
			if c == '\\' && i+1 < len(body) && strings.IndexByte("\"\\$`", body[i+1]) >= 0 {
				i++
				c = body[i]
			} else if c == '"' {
				return "", fmt.Errorf("unescaped quote in %q", s)
			}
			b.WriteByte(c)
		}
		return b.String(), nil
	}
	if strings.ContainsAny(s, " \t\"'\\$`") {
		return "", fmt.Errorf("unquoted value %q has shell characters", s)
	}
	return s, nil
}
