package wheel

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/citadel-build/citadel/internal/coremetadata"
	"github.com/citadel-build/citadel/internal/pep425"
	"github.com/citadel-build/citadel/internal/pep440"
	"github.com/citadel-build/citadel/internal/pep503"
)

// Unix file type bits of a zip entry's external attributes.
const (
	typeMask = 0o170000
	typeReg  = 0o100000
	typeDir  = 0o040000
	typeLink = 0o120000
)

// maxMetaFile bounds the dist-info files read into memory (WHEEL, METADATA,
// RECORD, entry_points.txt); Django's RECORD, among the largest, is 373 KB.
const maxMetaFile = 64 << 20

// dataKeys are the .data subdirectories pip knows (its SCHEME_KEYS).
var dataKeys = []string{"data", "headers", "platlib", "purelib", "scripts"}

// validator checks a wheel archive and fills in the Wheel it describes.
type validator struct {
	wheel  string
	cfg    openConfig
	w      *Wheel
	fn     pep425.WheelFilename
	byName map[string]*member
	dirs   map[string]bool // explicit directory entries, without the slash
}

func (v *validator) errf(entry, format string, args ...any) error {
	return &Error{Wheel: v.wheel, Entry: entry, Err: fmt.Errorf(format, args...)}
}

func (v *validator) run(zr *zip.Reader) error {
	fn, err := pep425.ParseWheelFilename(v.wheel)
	if err != nil {
		return v.errf("", "%w", err)
	}
	v.fn = fn
	steps := []func() error{
		func() error { return v.entries(zr.File) },
		v.layout, v.wheelFile, v.metadata, v.recordFile, v.entryPoints, v.contents,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// entries checks every archive entry's name, type and declared size.
func (v *validator) entries(files []*zip.File) error {
	v.byName = map[string]*member{}
	v.dirs = map[string]bool{}
	var total uint64
	for _, zf := range files {
		name := zf.Name
		if err := checkName(name, zf.NonUTF8); err != nil {
			return v.errf(name, "%w", err)
		}
		if zf.Flags&1 != 0 {
			return v.errf(name, "entry is encrypted")
		}
		// pip reads the Unix mode from the high bits whatever system made the
		// archive, so this does too.
		mode := int64(zf.ExternalAttrs >> 16)
		typ := mode & typeMask
		if typ == typeLink {
			return v.errf(name, "entry is a symbolic link")
		}
		if dir, ok := strings.CutSuffix(name, "/"); ok {
			if typ != 0 && typ != typeDir {
				return v.errf(name, "directory entry has file type %#o", typ)
			}
			if v.dirs[dir] {
				return v.errf(name, "duplicate entry")
			}
			v.dirs[dir] = true
			continue
		}
		if typ != 0 && typ != typeReg {
			return v.errf(name, "not a regular file (mode %#o)", mode)
		}
		if v.byName[name] != nil {
			return v.errf(name, "duplicate entry")
		}
		if zf.Method != zip.Store && zf.Method != zip.Deflate {
			return v.errf(name, "unsupported compression method %d", zf.Method)
		}
		usize, csize := zf.UncompressedSize64, zf.CompressedSize64
		total += usize
		if usize > uint64(v.cfg.maxTotal) || total > uint64(v.cfg.maxTotal) {
			return v.errf(name, "files add up to more than %d bytes uncompressed", v.cfg.maxTotal)
		}
		if usize > ratioFloor && usize/max(csize, 1) > uint64(v.cfg.maxRatio) {
			return v.errf(name, "compression ratio %d:1 exceeds %d:1", usize/max(csize, 1), v.cfg.maxRatio)
		}
		m := &member{zf: zf, name: name, mode: 0o644, size: int64(usize)}
		// pip's zip_item_is_executable: a regular file with any execute bit.
		if typ == typeReg && mode&0o111 != 0 {
			m.mode = 0o755
		}
		v.byName[name] = m
		v.w.files = append(v.w.files, m)
	}
	for _, m := range v.w.files {
		if v.dirs[m.name] {
			return v.errf(m.name, "entry is both a file and a directory")
		}
		for dir := range parents(m.name) {
			if v.byName[dir] != nil {
				return v.errf(dir, "entry is both a file and the directory of %q", m.name)
			}
		}
	}
	return nil
}

// parents yields the directories above a slash-separated name, deepest first.
func parents(name string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for i := strings.LastIndexByte(name, '/'); i > 0; i = strings.LastIndexByte(name[:i], '/') {
			if !yield(name[:i]) {
				return
			}
		}
	}
}

// checkName accepts a clean relative path of UTF-8 text, as every wheel built
// by a standard tool has; anything else could be read differently by another
// unzip (or by pip, which decodes names without the UTF-8 flag as cp437).
func checkName(name string, nonUTF8 bool) error {
	switch {
	case name == "":
		return errors.New("empty name")
	case !utf8.ValidString(name):
		return errors.New("name is not UTF-8")
	case nonUTF8 && !isASCII(name):
		return errors.New("non-ASCII name without the zip UTF-8 flag")
	case strings.ContainsRune(name, '\\'):
		return errors.New("name contains a backslash")
	case name[0] == '/':
		return errors.New("absolute path")
	}
	for _, r := range name {
		// Line breaks and controls would also corrupt RECORD, a CSV file.
		if r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 {
			return fmt.Errorf("name contains control character %U", r)
		}
	}
	for part := range strings.SplitSeq(strings.TrimSuffix(name, "/"), "/") {
		if part == "" || part == "." || part == ".." {
			return fmt.Errorf("path component %q is not allowed", part)
		}
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// layout finds the one .dist-info directory and the optional .data directory
// and checks they are named for the wheel's project and version.
func (v *validator) layout() error {
	tops := map[string]bool{}
	for _, m := range v.w.files {
		top, _, _ := strings.Cut(m.name, "/")
		tops[top] = true
	}
	for d := range v.dirs {
		top, _, _ := strings.Cut(d, "/")
		tops[top] = true
	}
	var infos, datas []string
	for top := range tops {
		if strings.HasSuffix(top, ".dist-info") {
			infos = append(infos, top)
		}
		if strings.HasSuffix(top, ".data") {
			datas = append(datas, top)
		}
	}
	slices.Sort(infos)
	slices.Sort(datas)
	switch {
	case len(infos) == 0:
		return v.errf("", ".dist-info directory not found")
	case len(infos) > 1:
		return v.errf(infos[1], "more than one .dist-info directory: %s", strings.Join(infos, ", "))
	case len(datas) > 1:
		return v.errf(datas[1], "more than one .data directory: %s", strings.Join(datas, ", "))
	}
	info := infos[0]
	if v.byName[info] != nil || !v.matchesFilename(strings.TrimSuffix(info, ".dist-info")) {
		return v.errf(info, "not the .dist-info directory of %s %s", v.fn.Name, v.fn.Version)
	}
	v.w.distInfo = info
	for _, f := range []string{"INSTALLER", "REQUESTED"} {
		if v.byName[info+"/"+f] != nil {
			return v.errf(info+"/"+f, "the installer writes this file; a wheel must not contain it")
		}
	}
	if len(datas) == 0 {
		return nil
	}
	data := datas[0]
	if v.byName[data] != nil || !v.matchesFilename(strings.TrimSuffix(data, ".data")) {
		return v.errf(data, "not the .data directory of %s %s", v.fn.Name, v.fn.Version)
	}
	v.w.dataDir = data
	for _, m := range v.w.files {
		rest, ok := strings.CutPrefix(m.name, data+"/")
		if !ok {
			continue
		}
		key, sub, _ := strings.Cut(rest, "/")
		if sub == "" {
			return v.errf(m.name, "a .data file must be under <scheme key>/, one of %s", strings.Join(dataKeys, ", "))
		}
		if !slices.Contains(dataKeys, key) {
			return v.errf(m.name, "unknown .data scheme key %q (want one of %s)", key, strings.Join(dataKeys, ", "))
		}
	}
	return nil
}

// matchesFilename reports whether "name-version" (a .dist-info or .data
// stem) names the project and version of the wheel's file name.
func (v *validator) matchesFilename(stem string) bool {
	i := strings.LastIndexByte(stem, '-')
	return i > 0 && sameProject(stem[:i], stem[i+1:], v.fn.Name, v.fn.Version)
}

// sameProject compares names after PEP 503 normalisation and versions as PEP
// 440 versions (as text when either is not one).
func sameProject(name1, version1, name2, version2 string) bool {
	if pep503.Normalize(name1) != pep503.Normalize(name2) {
		return false
	}
	a, err1 := pep440.Parse(version1)
	b, err2 := pep440.Parse(version2)
	if err1 != nil || err2 != nil {
		return version1 == version2
	}
	return a.Equal(b)
}

// read returns the content of a small dist-info file, or nil if it is absent.
func (v *validator) read(name string, required bool) ([]byte, error) {
	m := v.byName[name]
	if m == nil {
		if required {
			return nil, v.errf(name, "missing")
		}
		return nil, nil
	}
	if m.size > maxMetaFile {
		return nil, v.errf(name, "%d bytes is too large for a metadata file", m.size)
	}
	var buf bytes.Buffer
	if err := v.copyMember(&buf, m); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// copyMember writes m's content to dst, reading at most one byte more than
// the declared size so a lying header cannot make it inflate without end.
func (v *validator) copyMember(dst io.Writer, m *member) error {
	rc, err := m.zf.Open()
	if err != nil {
		return v.errf(m.name, "open: %w", err)
	}
	defer rc.Close()
	n, err := io.Copy(dst, io.LimitReader(rc, m.size+1))
	if err != nil {
		return v.errf(m.name, "read: %w", err)
	}
	if n != m.size {
		return v.errf(m.name, "content is not the declared %d bytes", m.size)
	}
	return nil
}

// wheelFile checks the WHEEL file: a Wheel-Version this installer supports
// and a Root-Is-Purelib of true or false.
func (v *validator) wheelFile() error {
	name := v.w.distInfo + "/WHEEL"
	data, err := v.read(name, true)
	if err != nil {
		return err
	}
	if !utf8.Valid(data) {
		return v.errf(name, "not UTF-8")
	}
	headers := parseHeaders(string(data))
	ver, ok := headers["wheel-version"]
	if !ok {
		return v.errf(name, "no Wheel-Version")
	}
	major, err := wheelMajor(pyStrip(ver))
	if err != nil {
		return v.errf(name, "%w", err)
	}
	// pip refuses a newer major version and only warns about a newer minor.
	if major > 1 {
		return v.errf(name, "Wheel-Version %s is not supported (major version above 1)", pyStrip(ver))
	}
	purelib, ok := headers["root-is-purelib"]
	if t := strings.ToLower(strings.TrimSpace(purelib)); !ok || t != "true" && t != "false" {
		return v.errf(name, "Root-Is-Purelib is %q, want true or false", purelib)
	}
	// pip's own test, which takes "true " (with a space) to mean false.
	v.w.rootIsPurelib = strings.ToLower(purelib) == "true"
	return nil
}

// wheelMajor parses a Wheel-Version such as "1.0" and returns its major part.
func wheelMajor(s string) (int, error) {
	parts := strings.Split(s, ".")
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return 0, fmt.Errorf("invalid Wheel-Version %q", s)
		}
	}
	major, err := strconv.Atoi(parts[0])
	if err != nil {
		return 0, fmt.Errorf("invalid Wheel-Version %q: %w", s, err)
	}
	return major, nil
}

// parseHeaders reads the header block of an email-style file the way
// Python's email parser does for these purposes: the first occurrence of a
// name wins (keys are lower-cased), a value loses the blanks after the colon
// and its line break, continuation lines are appended, and the first line
// that is neither a header nor a continuation ends the headers.
func parseHeaders(text string) map[string]string {
	out := map[string]string{}
	last := ""
	for _, line := range strings.SplitAfter(text, "\n") {
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if last != "" {
				out[last] += "\n" + line
			}
			continue
		}
		i := strings.IndexByte(line, ':')
		if i < 0 || strings.IndexFunc(line[:i], func(r rune) bool { return r < 0x21 || r > 0x7e }) >= 0 {
			break
		}
		key := strings.ToLower(line[:i])
		last = ""
		if _, seen := out[key]; !seen {
			out[key] = strings.TrimLeft(line[i+1:], " \t")
			last = key
		}
	}
	return out
}

// metadata parses METADATA and checks it names the wheel's project and version.
func (v *validator) metadata() error {
	name := v.w.distInfo + "/METADATA"
	data, err := v.read(name, true)
	if err != nil {
		return err
	}
	meta, err := coremetadata.Parse(data)
	if err != nil {
		return v.errf(name, "%w", err)
	}
	if !sameProject(meta.Name, meta.Version, v.fn.Name, v.fn.Version) {
		return v.errf(name, "Name %q Version %q do not match the file name's %s %s", meta.Name, meta.Version, v.fn.Name, v.fn.Version)
	}
	v.w.meta = meta
	return nil
}

// contents reads every file once, checking its size and RECORD hash, and
// notes the first line of each .data/scripts file for shebang rewriting.
func (v *validator) contents() error {
	scripts := v.w.dataDir + "/scripts/"
	for _, m := range v.w.files {
		h := m.sum.newHash()
		var dst io.Writer = io.Discard
		if h != nil {
			dst = h
		}
		var fl *firstLine
		if v.w.dataDir != "" && strings.HasPrefix(m.name, scripts) {
			fl = &firstLine{}
			dst = io.MultiWriter(dst, fl)
		}
		if err := v.copyMember(dst, m); err != nil {
			return err
		}
		if h != nil && !bytes.Equal(h.Sum(nil), m.sum.sum) {
			return v.errf(m.name, "content does not match its RECORD hash %s", m.sum)
		}
		if fl != nil {
			m.pythonShebang = bytes.HasPrefix(fl.head, []byte("#!python"))
			m.firstLine = m.size
			if fl.found {
				m.firstLine = fl.n
			}
		}
	}
	return nil
}

// firstLine is a writer that notes where its input's first line ends (after
// the '\n') and keeps the first bytes of it.
type firstLine struct {
	head  []byte
	n     int64
	found bool
}

func (f *firstLine) Write(p []byte) (int, error) {
	if len(f.head) < 8 {
		f.head = append(f.head, p[:min(len(p), 8-len(f.head))]...)
	}
	if !f.found {
		if i := bytes.IndexByte(p, '\n'); i >= 0 {
			f.n += int64(i) + 1
			f.found = true
		} else {
			f.n += int64(len(p))
		}
	}
	return len(p), nil
}
