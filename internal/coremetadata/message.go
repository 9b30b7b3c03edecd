package coremetadata

import "bytes"

// rawField is one header as the email parser stores it, before decoding.
type rawField struct {
	name  string
	value []byte
}

// splitMessage separates headers from body exactly as Python's
// email.parser.BytesParser with policy compat32 does, which is what both
// packaging.metadata.parse_email and pip read metadata with. Lines end at
// "\r\n", "\r" or "\n". The header block ends at the first line that is
// neither "Name:" (printable ASCII name, no space), a continuation (leading
// space or tab) nor "From "; a blank terminating line is dropped, any other
// starts the body.
func splitMessage(data []byte) ([]rawField, []byte) {
	var headerLines [][]byte
	rest := data
	for len(rest) > 0 {
		line := rest[:lineLen(rest)]
		if !isHeaderLine(line) {
			if line[0] == '\r' || line[0] == '\n' {
				rest = rest[len(line):]
			}
			break
		}
		headerLines = append(headerLines, line)
		rest = rest[len(line):]
	}
	fields, pushBack := parseHeaders(headerLines)
	if pushBack != nil {
		return fields, append(append([]byte{}, pushBack...), rest...)
	}
	return fields, rest
}

// lineLen is the length of the first line of b, terminator included.
func lineLen(b []byte) int {
	i := bytes.IndexAny(b, "\r\n")
	switch {
	case i < 0:
		return len(b)
	case b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n':
		return i + 2
	}
	return i + 1
}

// isHeaderLine is the email feed parser's headerRE:
// ^(From |[\041-\071\073-\176]*:|[\t ]).
func isHeaderLine(line []byte) bool {
	if bytes.HasPrefix(line, []byte("From ")) || line[0] == ' ' || line[0] == '\t' {
		return true
	}
	for _, c := range line {
		if c == ':' {
			return true
		}
		if c < 0x21 || c > 0x7e {
			return false
		}
	}
	return false
}

// parseHeaders folds header lines into fields as the feed parser's
// _parse_headers does: continuation lines are appended verbatim; a leading
// continuation, a line starting with ":" and a "From " line in the middle are
// dropped; a "From " first line is the Unix envelope and ignored; a "From "
// last line is handed back as the start of the body.
func parseHeaders(lines [][]byte) (fields []rawField, pushBack []byte) {
	var current [][]byte
	flush := func() {
		if current != nil {
			fields = append(fields, foldField(current))
			current = nil
		}
	}
	for i, line := range lines {
		if line[0] == ' ' || line[0] == '\t' {
			if current != nil {
				current = append(current, line)
			}
			continue
		}
		flush()
		if bytes.HasPrefix(line, []byte("From ")) {
			if i > 0 && i == len(lines)-1 {
				return fields, line
			}
			continue
		}
		if line[0] == ':' {
			continue
		}
		current = [][]byte{line}
	}
	flush()
	return fields, nil
}

// foldField is compat32's header_source_parse: the text after the first ":"
// with leading spaces and tabs removed, continuation lines appended as they
// are, and trailing CR/LF characters removed.
func foldField(lines [][]byte) rawField {
	name, value, _ := bytes.Cut(lines[0], []byte(":"))
	var v []byte
	v = append(v, bytes.TrimLeft(value, " \t")...)
	for _, l := range lines[1:] {
		v = append(v, l...)
	}
	return rawField{name: string(name), value: bytes.TrimRight(v, "\r\n")}
}
