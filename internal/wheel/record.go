package wheel

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"unicode/utf8"
)

// recordRow is one line of a RECORD file, fields as written.
type recordRow struct{ path, hash, size string }

// digest is a RECORD hash: an algorithm and the raw digest.
type digest struct {
	algo string
	sum  []byte
}

func (d digest) String() string {
	return d.algo + "=" + base64.RawURLEncoding.EncodeToString(d.sum)
}

// newHash returns a hash for d's algorithm, or nil for the zero digest.
func (d digest) newHash() hash.Hash {
	switch d.algo {
	case "sha256":
		return sha256.New()
	case "sha384":
		return sha512.New384()
	case "sha512":
		return sha512.New()
	}
	return nil
}

// parseDigest reads "algorithm=urlsafe-base64-digest". The wheel spec allows
// sha256 and stronger hashes and forbids md5 and sha1.
func parseDigest(s string) (digest, error) {
	algo, enc, ok := strings.Cut(s, "=")
	if !ok {
		return digest{}, fmt.Errorf("hash %q is not algorithm=digest", s)
	}
	d := digest{algo: algo}
	h := d.newHash()
	if h == nil {
		return digest{}, fmt.Errorf("hash algorithm %q is not allowed (want sha256, sha384 or sha512)", algo)
	}
	sum, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(enc, "="))
	if err != nil || len(sum) != h.Size() {
		return digest{}, fmt.Errorf("hash %q is not an urlsafe-base64 %s digest", s, algo)
	}
	d.sum = sum
	return d, nil
}

// recordFile parses RECORD and checks it against the archive: every file is
// listed once (RECORD itself and its signatures may go unlisted or
// unhashed), every listed path exists, and hashes and sizes are well formed
// and sizes right. Hashes are compared with the content later, by contents.
func (v *validator) recordFile() error {
	name := v.w.distInfo + "/RECORD"
	data, err := v.read(name, true)
	if err != nil {
		return err
	}
	rows, err := parseRecord(data)
	if err != nil {
		return v.errf(name, "%w", err)
	}
	unhashed := map[string]bool{name: true, name + ".jws": true, name + ".p7s": true}
	listed := map[string]bool{}
	for _, r := range rows {
		if listed[r.path] {
			return v.errf(r.path, "listed twice in RECORD")
		}
		listed[r.path] = true
		m := v.byName[r.path]
		if m == nil {
			if !v.dirs[strings.TrimSuffix(r.path, "/")] || !strings.HasSuffix(r.path, "/") {
				return v.errf(r.path, "listed in RECORD but not in the wheel")
			}
			if r.hash != "" || r.size != "" {
				return v.errf(r.path, "RECORD gives a hash or size for a directory")
			}
			continue
		}
		if r.path == name && (r.hash != "" || r.size != "") {
			return v.errf(r.path, "RECORD gives a hash or size for itself")
		}
		if unhashed[r.path] && r.hash == "" && r.size == "" {
			continue
		}
		if m.sum, err = parseDigest(r.hash); err != nil {
			return v.errf(r.path, "RECORD: %w", err)
		}
		if n, err := strconv.ParseUint(r.size, 10, 63); err != nil || strings.Trim(r.size, "0123456789") != "" {
			return v.errf(r.path, "RECORD size %q is not a number", r.size)
		} else if int64(n) != m.size {
			return v.errf(r.path, "RECORD size %d does not match the entry's %d bytes", n, m.size)
		}
	}
	for _, m := range v.w.files {
		if !listed[m.name] && !unhashed[m.name] {
			return v.errf(m.name, "not listed in RECORD")
		}
	}
	v.w.record = rows
	return nil
}

// parseRecord reads RECORD as pip does, csv.reader over str.splitlines(),
// insisting on three fields a line. A quoted field left open at the end of a
// line is an error here; no path this package accepts needs one.
func parseRecord(data []byte) ([]recordRow, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("not UTF-8")
	}
	var rows []recordRow
	for i, line := range pySplitLines(string(data)) {
		fields, err := parseCSVLine(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		if len(fields) != 3 {
			return nil, fmt.Errorf("line %d: %d fields, want path,hash,size", i+1, len(fields))
		}
		rows = append(rows, recordRow{fields[0], fields[1], fields[2]})
	}
	return rows, nil
}

// parseCSVLine splits one line as Python's csv module does with the default
// dialect: commas, double quotes, "" for a quote inside quotes, and a quote
// inside an unquoted field kept as text. An empty line has no fields.
func parseCSVLine(line string) ([]string, error) {
	if line == "" {
		return nil, nil
	}
	var fields []string
	var b strings.Builder
	const (
		start = iota
		plain
		quoted
		afterQuote // a quote inside a quoted field: closing, or the first of ""
	)
	state := start
	for _, r := range line {
		switch state {
		case start, plain:
			switch {
			case r == ',':
				fields = append(fields, b.String())
				b.Reset()
				state = start
			case r == '"' && state == start:
				state = quoted
			default:
				b.WriteRune(r)
				state = plain
			}
		case quoted:
			if r == '"' {
				state = afterQuote
			} else {
				b.WriteRune(r)
			}
		case afterQuote:
			switch r {
			case '"':
				b.WriteRune(r)
				state = quoted
			case ',':
				fields = append(fields, b.String())
				b.Reset()
				state = start
			default: // Python's non-strict mode keeps the text after the quote
				b.WriteRune(r)
				state = plain
			}
		}
	}
	if state == quoted {
		return nil, errors.New("unterminated quoted field")
	}
	return append(fields, b.String()), nil
}

// pySplitLines splits text at the line boundaries of Python's
// str.splitlines, dropping them; a final boundary adds no empty line.
func pySplitLines(s string) []string {
	var lines []string
	for len(s) > 0 {
		i, n := 0, 0
		for i < len(s) {
			r, size := utf8.DecodeRuneInString(s[i:])
			if n = lineBreak(r, s[i+size:]); n > 0 {
				n += size - 1
				break
			}
			i += size
		}
		lines = append(lines, s[:i])
		s = s[min(i+n, len(s)):]
	}
	return lines
}

// lineBreak returns 0 if r does not end a line, else how many bytes the
// boundary takes counting r as one (so "\r\n" gives 2).
func lineBreak(r rune, rest string) int {
	switch r {
	case '\r':
		if strings.HasPrefix(rest, "\n") {
			return 2
		}
		return 1
	case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
		return 1
	}
	return 0
}

// formatRecord writes rows as Python's csv.writer does with the default
// dialect: minimal quoting and "\r\n" line ends (pip opens RECORD with
// newline="", so the "\r\n" reaches the file).
func formatRecord(rows []recordRow) []byte {
	var b strings.Builder
	for _, r := range rows {
		for i, f := range []string{r.path, r.hash, r.size} {
			if i > 0 {
				b.WriteByte(',')
			}
			if strings.ContainsAny(f, ",\"\r\n") {
				f = `"` + strings.ReplaceAll(f, `"`, `""`) + `"`
			}
			b.WriteString(f)
		}
		b.WriteString("\r\n")
	}
	return []byte(b.String())
}

// relPath is os.path.relpath for clean absolute paths: target relative to base.
func relPath(target, base string) string {
	t := splitPath(target)
	b := splitPath(base)
	i := 0
	for i < len(t) && i < len(b) && t[i] == b[i] {
		i++
	}
	parts := make([]string, 0, len(b)-i+len(t)-i)
	for range b[i:] {
		parts = append(parts, "..")
	}
	parts = append(parts, t[i:]...)
	if len(parts) == 0 {
		return "."
	}
	return strings.Join(parts, "/")
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}
