// Package dpkg reads what dpkg records of installed packages: the status database
// (/var/lib/dpkg/status, deb822 stanzas) and Debian version strings' parts.
package dpkg

import (
	"bufio"
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// Package is one installed binary package of a status file.
type Package struct {
	Name         string // binary package name, e.g. libssl3
	Version      string // e.g. 3.0.15-1~deb12u1
	Architecture string // amd64, all, …
	// Source and SourceVersion are the source package it was built from: the Source field
	// ("openssl", or "glibc (2.36-9)" for a binNMU), defaulting to the binary's own name and
	// version. Debian's security tracker and OSV name source packages.
	Source, SourceVersion string
	Maintainer            string
	Homepage              string
}

// maxLine bounds one line of a status file (long Description and Conffiles lines are common).
const maxLine = 1 << 20

// ParseStatus returns the packages a status file marks installed ("install ok installed", and
// the other states in which the files are on disk: half-configured, triggers-awaited,
// triggers-pending), sorted by name and architecture. name says which file it is, in errors.
func ParseStatus(name string, data []byte) ([]Package, error) {
	var out []Package
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	fields := map[string]string{}
	line, start := 0, 0
	flush := func() error {
		defer clear(fields)
		if len(fields) == 0 {
			return nil
		}
		p, ok, err := fromFields(fields)
		if err != nil {
			return fmt.Errorf("%s: stanza at line %d: %w", name, start, err)
		}
		if ok {
			out = append(out, p)
		}
		return nil
	}
	var last string
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		switch {
		case strings.TrimSpace(text) == "":
			if err := flush(); err != nil {
				return nil, err
			}
			last = ""
			continue
		case text[0] == ' ' || text[0] == '\t':
			if last == "" {
				return nil, fmt.Errorf("%s:%d: continuation line outside a field", name, line)
			}
			continue // multi-line values (Description, Conffiles) are not needed
		case text[0] == '#':
			continue
		}
		k, v, ok := strings.Cut(text, ":")
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			return nil, fmt.Errorf("%s:%d: want \"Field: value\", got %q", name, line, truncate(text))
		}
		if len(fields) == 0 {
			start = line
		}
		if _, dup := fields[k]; dup {
			return nil, fmt.Errorf("%s:%d: field %s appears twice in one stanza", name, line, k)
		}
		fields[k] = strings.TrimSpace(v)
		last = k
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Package) int {
		return strings.Compare(a.Name+"\x00"+a.Architecture, b.Name+"\x00"+b.Architecture)
	})
	return out, nil
}

// onDisk are the dpkg states (third word of Status) whose files are installed.
var onDisk = []string{"installed", "half-configured", "triggers-awaited", "triggers-pending"}

func fromFields(f map[string]string) (Package, bool, error) {
	status := strings.Fields(f["Status"])
	if len(status) != 3 {
		return Package{}, false, fmt.Errorf("package %q: Status %q: want \"WANT FLAG STATE\"", f["Package"], f["Status"])
	}
	if !slices.Contains(onDisk, status[2]) {
		return Package{}, false, nil
	}
	p := Package{
		Name:         f["Package"],
		Version:      f["Version"],
		Architecture: f["Architecture"],
		Maintainer:   f["Maintainer"],
		Homepage:     f["Homepage"],
	}
	if p.Name == "" || p.Version == "" {
		return Package{}, false, fmt.Errorf("installed package %q without Package or Version", p.Name)
	}
	if err := CheckVersion(p.Version); err != nil {
		return Package{}, false, fmt.Errorf("package %s: %w", p.Name, err)
	}
	p.Source, p.SourceVersion = p.Name, p.Version
	if src := f["Source"]; src != "" {
		name, version, hasVersion := strings.Cut(src, " ")
		p.Source = name
		if hasVersion {
			version = strings.TrimSpace(version)
			if !strings.HasPrefix(version, "(") || !strings.HasSuffix(version, ")") {
				return Package{}, false, fmt.Errorf("package %s: Source %q: want NAME or NAME (VERSION)", p.Name, src)
			}
			p.SourceVersion = strings.TrimSpace(version[1 : len(version)-1])
			if err := CheckVersion(p.SourceVersion); err != nil {
				return Package{}, false, fmt.Errorf("package %s: Source %q: %w", p.Name, src, err)
			}
		}
	}
	return p, true, nil
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
