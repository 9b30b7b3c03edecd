package wheel

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
)

// placement is one file Install will emit.
type placement struct {
	path      string
	source    string // archive entry, or what made the file, for errors
	generated bool
	mode      int64
	size      int64
	open      func() (io.ReadCloser, error)
}

// Install computes every file pip 26.3 would place for the wheel in scheme s
// and passes them to emit sorted by path. It is pip's layout exactly: root
// files in purelib or platlib (by Root-Is-Purelib), .data/<key>/ files in
// the scheme directory for <key>, "#!python" shebangs of .data/scripts files
// rewritten to s.Python, console_scripts and gui_scripts launchers, the
// INSTALLER file, REQUESTED if asked for, and RECORD rewritten as pip writes
// it: the wheel's own rows with paths made relative to the library directory
// and their hashes kept, new sha256 hashes for rewritten scripts and
// generated files, sorted, with "\r\n" line ends. Directories are not
// emitted. File modes are 0755 for launchers and for archive files with an
// execute bit, else 0644; pip gives a .data/scripts file no execute bit it
// did not have in the archive.
//
// Everything is computed and checked before the first call to emit, so an
// error (a file placed twice, a scheme path that is not absolute) emits
// nothing. An error from emit stops the installation and is returned.
func (w *Wheel) Install(s Scheme, o Options, emit func(Entry) error) error {
	placements, err := w.plan(s, o)
	if err != nil {
		return err
	}
	for _, p := range placements {
		if err := emit(Entry{Path: p.path, Mode: p.mode, Size: p.size, Open: p.open}); err != nil {
			return fmt.Errorf("install wheel %s: %s: %w", w.filename, p.path, err)
		}
	}
	return nil
}

// planner collects placements and the RECORD bookkeeping pip does.
type planner struct {
	w         *Wheel
	libDir    string
	byPath    map[string]*placement
	installed map[string]string    // archive name -> RECORD path, as pip's "installed"
	changed   map[string]recordRow // RECORD path -> its new row, for rewritten scripts
	generated []recordRow
}

func (w *Wheel) plan(s Scheme, o Options) ([]*placement, error) {
	fail := func(entry string, err error) error { return &Error{Wheel: w.filename, Entry: entry, Err: err} }
	if err := s.check(); err != nil {
		return nil, fail("", err)
	}
	if o.Installer == "" || strings.ContainsFunc(o.Installer, isControl) {
		return nil, fail("", fmt.Errorf("installer name %q must be one line of text", o.Installer))
	}
	p := &planner{w: w, libDir: s.Platlib, byPath: map[string]*placement{},
		installed: map[string]string{}, changed: map[string]recordRow{}}
	if w.rootIsPurelib {
		p.libDir = s.Purelib
	}
	dataDirs := map[string]string{"data": s.Prefix, "headers": s.Headers, "platlib": s.Platlib, "purelib": s.Purelib, "scripts": s.Scripts}
	recordName := w.distInfo + "/RECORD"
	for _, m := range w.files {
		dest := path.Join(p.libDir, m.name)
		script := false
		if rest, ok := strings.CutPrefix(m.name, w.dataDir+"/"); w.dataDir != "" && ok {
			key, sub, _ := strings.Cut(rest, "/")
			dest = path.Join(dataDirs[key], sub)
			script = key == "scripts"
		}
		if script && w.isLauncherFile(path.Base(dest)) {
			continue // pip writes its own launcher instead
		}
		p.installed[m.name] = relPath(dest, p.libDir)
		switch {
		case m.name == recordName:
			continue // replaced below
		case script && m.pythonShebang:
			if err := p.addScript(m, dest, s.Python); err != nil {
				return nil, err
			}
		default:
			if err := p.add(&placement{path: dest, source: m.name, mode: m.mode, size: m.size,
				open: func() (io.ReadCloser, error) { return w.openMember(m, 0) }}); err != nil {
				return nil, err
			}
		}
	}
	console, err := consoleLaunchers(w.console, s.PythonVersion)
	if err != nil {
		return nil, fail(w.distInfo+"/entry_points.txt", err)
	}
	for _, ep := range append(console, w.gui...) {
		if err := p.generate(path.Join(s.Scripts, ep.name), 0o755, launcher(ep, s.Python)); err != nil {
			return nil, err
		}
	}
	info := path.Join(p.libDir, w.distInfo)
	if err := p.generate(info+"/INSTALLER", 0o644, []byte(o.Installer+"\n")); err != nil {
		return nil, err
	}
	if o.Requested {
		if err := p.generate(info+"/REQUESTED", 0o644, nil); err != nil {
			return nil, err
		}
	}
	record := formatRecord(p.recordRows())
	if err := p.add(&placement{path: info + "/RECORD", source: "the rewritten RECORD", generated: true,
		mode: 0o644, size: int64(len(record)), open: bytesOpener(record)}); err != nil {
		return nil, err
	}
	return p.sorted()
}

func (p *planner) add(pl *placement) error {
	prev := p.byPath[pl.path]
	if prev == nil {
		p.byPath[pl.path] = pl
		return nil
	}
	return p.conflict(pl, prev, fmt.Sprintf("installs to %s", pl.path))
}

// conflict reports two placements that cannot both be made, naming an
// archive entry (rather than a generated file) as the one at fault.
func (p *planner) conflict(a, b *placement, what string) error {
	if a.generated {
		a, b = b, a
	}
	return &Error{Wheel: p.w.filename, Entry: a.source, Err: fmt.Errorf("%s, as %s does", what, b.source)}
}

// addScript places a .data/scripts file whose "#!python..." first line pip
// replaces, whole, with "#!" and its interpreter.
func (p *planner) addScript(m *member, dest, python string) error {
	open := func() (io.ReadCloser, error) {
		rc, err := p.w.openMember(m, m.firstLine)
		if err != nil {
			return nil, err
		}
		return readCloser{io.MultiReader(strings.NewReader("#!"+python+"\n"), rc), rc}, nil
	}
	size := int64(len(python)+3) + m.size - m.firstLine
	sum, err := sha256Of(open)
	if err != nil {
		return &Error{Wheel: p.w.filename, Entry: m.name, Err: err}
	}
	rel := relPath(dest, p.libDir)
	p.changed[rel] = recordRow{rel, sum, strconv.FormatInt(size, 10)}
	return p.add(&placement{path: dest, source: m.name, mode: m.mode, size: size, open: open})
}

// generate places a file pip writes itself and records it with a sha256.
func (p *planner) generate(dest string, mode int64, content []byte) error {
	sum := sha256.Sum256(content)
	p.generated = append(p.generated, recordRow{relPath(dest, p.libDir), "sha256=" + base64.RawURLEncoding.EncodeToString(sum[:]), strconv.Itoa(len(content))})
	return p.add(&placement{path: dest, source: "the generated " + path.Base(dest), generated: true,
		mode: mode, size: int64(len(content)), open: bytesOpener(content)})
}

// recordRows builds the installed RECORD as pip's get_csv_rows_for_installed
// does: the wheel's rows in order with paths mapped to where the files went
// (rows of files not installed, such as setuptools' own launchers, stay as
// they were), then the generated files, then installed files the wheel's
// RECORD did not list (RECORD itself, signatures) with no hash; sorted.
func (p *planner) recordRows() []recordRow {
	var rows []recordRow
	mapped := map[string]bool{}
	for _, r := range p.w.record {
		if dest, ok := p.installed[r.path]; ok {
			mapped[r.path] = true
			r.path = dest
		}
		if row, ok := p.changed[r.path]; ok {
			r = row
		}
		rows = append(rows, r)
	}
	rows = append(rows, p.generated...)
	for name, dest := range p.installed {
		if !mapped[name] {
			rows = append(rows, recordRow{path: dest})
		}
	}
	slices.SortFunc(rows, cmpRows)
	return rows
}

func cmpRows(a, b recordRow) int {
	if c := strings.Compare(a.path, b.path); c != 0 {
		return c
	}
	if c := strings.Compare(a.hash, b.hash); c != 0 {
		return c
	}
	return strings.Compare(a.size, b.size)
}

// sorted checks that no file sits where another needs a directory and
// returns the placements in path order.
func (p *planner) sorted() ([]*placement, error) {
	out := make([]*placement, 0, len(p.byPath))
	for _, pl := range p.byPath {
		for dir := range parents(pl.path) {
			if other := p.byPath[dir]; other != nil {
				return nil, p.conflict(other, pl, fmt.Sprintf("makes %s both a file and the directory of %s", dir, pl.path))
			}
		}
		out = append(out, pl)
	}
	slices.SortFunc(out, func(a, b *placement) int { return strings.Compare(a.path, b.path) })
	return out, nil
}

// check requires absolute, clean scheme directories and a one-line interpreter path.
func (s Scheme) check() error {
	for _, d := range []struct{ name, dir string }{
		{"Prefix", s.Prefix}, {"Purelib", s.Purelib}, {"Platlib", s.Platlib}, {"Scripts", s.Scripts}, {"Headers", s.Headers},
	} {
		if !strings.HasPrefix(d.dir, "/") || path.Clean(d.dir) != d.dir || strings.ContainsFunc(d.dir, isControl) {
			return fmt.Errorf("scheme %s %q is not an absolute clean path", d.name, d.dir)
		}
	}
	if s.Python == "" || strings.ContainsFunc(s.Python, isControl) {
		return fmt.Errorf("scheme Python %q must be one line of text", s.Python)
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 }

// openMember opens an archive file, skips its first skip bytes and checks,
// when the content ends, that it still has the size and hash Open verified.
func (w *Wheel) openMember(m *member, skip int64) (io.ReadCloser, error) {
	rc, err := m.zf.Open()
	if err != nil {
		return nil, fmt.Errorf("wheel %s: open %s: %w", w.filename, m.name, err)
	}
	v := &verifyingReader{w: w, m: m, rc: rc, r: io.LimitReader(rc, m.size+1), h: m.sum.newHash()}
	if _, err := io.CopyN(io.Discard, v, skip); err != nil {
		rc.Close()
		return nil, err
	}
	return v, nil
}

// verifyingReader re-checks an archive file's size and digest at its end.
type verifyingReader struct {
	w  *Wheel
	m  *member
	rc io.ReadCloser
	r  io.Reader
	h  hash.Hash
	n  int64
}

func (v *verifyingReader) Read(b []byte) (int, error) {
	n, err := v.r.Read(b)
	v.n += int64(n)
	if v.h != nil {
		v.h.Write(b[:n])
	}
	if v.n > v.m.size {
		return n, fmt.Errorf("wheel %s: %s grew past %d bytes since it was verified", v.w.filename, v.m.name, v.m.size)
	}
	if errors.Is(err, io.EOF) {
		if v.n != v.m.size || v.h != nil && !bytes.Equal(v.h.Sum(nil), v.m.sum.sum) {
			return n, fmt.Errorf("wheel %s: %s changed since it was verified", v.w.filename, v.m.name)
		}
	}
	return n, err
}

func (v *verifyingReader) Close() error { return v.rc.Close() }

type readCloser struct {
	io.Reader
	io.Closer
}

func bytesOpener(b []byte) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

// sha256Of reads what open returns and gives its RECORD-style sha256.
func sha256Of(open func() (io.ReadCloser, error)) (string, error) {
	rc, err := open()
	if err != nil {
		return "", err
	}
	defer rc.Close()
	h := sha256.New()
	if _, err := io.Copy(h, rc); err != nil {
		return "", err
	}
	return "sha256=" + base64.RawURLEncoding.EncodeToString(h.Sum(nil)), nil
}
