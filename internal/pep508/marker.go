package pep508

import (
	"fmt"
	"slices"
	"strings"

	"github.com/citadel-build/citadel/internal/pep503"
)

// Marker is a parsed environment marker expression such as
// `python_version >= "3.9" and sys_platform == "linux"`.
type Marker struct {
	root markerList
}

// markerList is a run of atoms joined by "and"/"or" exactly as written. The
// grouping is kept (rather than folded into a precedence tree) because
// String must reproduce packaging's parenthesisation.
type markerList struct {
	atoms []markerAtom
	ops   []string // ops[i] joins atoms[i] and atoms[i+1]
}

// markerAtom is a single comparison or a parenthesised list.
type markerAtom struct {
	cmp   *comparison
	group *markerList
}

type comparison struct {
	lhs, rhs operand
	op       string
}

// operand is a marker variable (by its canonical name) or a string value.
type operand struct {
	text  string
	isVar bool
}

// ParseMarker parses a PEP 508 marker expression as packaging.markers.Marker
// does, including its normalisation of extra names in comparisons with
// "extra" (PEP 685). Unlike packaging it rejects quoted values it could not
// represent faithfully: values holding both quote characters (packaging
// parses them but its str() raises), \N{name} escapes and lone surrogates;
// and it rejects nesting deeper than 1000 parentheses, where packaging hits
// Python's recursion limit.
func ParseMarker(s string) (*Marker, error) {
	sc := &scanner{src: s}
	list, err := sc.markerList()
	if err == nil && !sc.atEnd() {
		err = sc.fail("Expected end of marker expression")
	}
	if err != nil {
		return nil, fmt.Errorf("parse marker %q: %w", s, err)
	}
	return &Marker{root: list}, nil
}

// String returns the marker in packaging's canonical spelling: single spaces,
// double-quoted values (single quotes when the value has a double quote), and
// only the parentheses that still group something.
func (m *Marker) String() string {
	return m.root.format(true)
}

// Variables returns the sorted, de-duplicated names of the environment
// variables the marker mentions, in canonical spelling (os.name is "os_name",
// python_implementation is "platform_python_implementation").
func (m *Marker) Variables() []string {
	var names []string
	m.root.walk(func(c *comparison) {
		for _, o := range []operand{c.lhs, c.rhs} {
			if o.isVar {
				names = append(names, o.text)
			}
		}
	})
	slices.Sort(names)
	return slices.Compact(names)
}

func (l *markerList) walk(fn func(*comparison)) {
	for _, a := range l.atoms {
		if a.cmp != nil {
			fn(a.cmp)
		} else {
			a.group.walk(fn)
		}
	}
}

// format mirrors packaging: a one-element list prints as its element, a
// longer one is parenthesised unless it is the outermost.
func (l *markerList) format(outermost bool) string {
	if len(l.atoms) == 1 {
		return l.atoms[0].format(outermost)
	}
	parts := make([]string, 0, 2*len(l.atoms)-1)
	for i, a := range l.atoms {
		if i > 0 {
			parts = append(parts, l.ops[i-1])
		}
		parts = append(parts, a.format(false))
	}
	joined := strings.Join(parts, " ")
	if outermost {
		return joined
	}
	return "(" + joined + ")"
}

func (a markerAtom) format(outermost bool) string {
	if a.cmp != nil {
		return a.cmp.lhs.String() + " " + a.cmp.op + " " + a.cmp.rhs.String()
	}
	return a.group.format(outermost)
}

func (o operand) String() string {
	switch {
	case o.isVar:
		return o.text
	case !strings.Contains(o.text, `"`):
		return `"` + o.text + `"`
	default:
		return `'` + o.text + `'`
	}
}

// markerList parses: atom (BOOLOP atom)*.
func (s *scanner) markerList() (markerList, error) {
	var l markerList
	for {
		a, err := s.markerAtom()
		if err != nil {
			return l, err
		}
		l.atoms = append(l.atoms, a)
		var op string
		switch {
		case s.keyword("or"):
			op = "or"
		case s.keyword("and"):
			op = "and"
		default:
			return l, nil
		}
		s.pos += len(op)
		l.ops = append(l.ops, op)
	}
}

// maxMarkerDepth bounds parenthesis nesting so that hostile metadata cannot
// exhaust the stack. packaging itself fails (RecursionError) below 500.
const maxMarkerDepth = 1000

// markerAtom parses: WS? ( "(" WS? markerList WS? ")" | comparison ) WS?.
func (s *scanner) markerAtom() (markerAtom, error) {
	s.skipWS()
	var a markerAtom
	if s.peek('(') {
		if s.depth == maxMarkerDepth {
			return a, s.fail("Marker expression nested too deeply")
		}
		s.depth++
		defer func() { s.depth-- }()
		open := s.pos
		s.pos++
		s.skipWS()
		inner, err := s.markerList()
		if err != nil {
			return a, err
		}
		s.skipWS()
		if !s.peek(')') {
			return a, s.failFrom(open, "Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after marker expression")
		}
		s.pos++
		a.group = &inner
	} else {
		c, err := s.comparison()
		if err != nil {
			return a, err
		}
		a.cmp = c
	}
	s.skipWS()
	return a, nil
}

// comparison parses: operand WS? op WS? operand WS?, then normalises extra
// names the way packaging does at parse time.
func (s *scanner) comparison() (*comparison, error) {
	var c comparison
	var err error
	if c.lhs, err = s.operand(); err != nil {
		return nil, err
	}
	s.skipWS()
	if c.op, err = s.markerOp(); err != nil {
		return nil, err
	}
	s.skipWS()
	if c.rhs, err = s.operand(); err != nil {
		return nil, err
	}
	s.skipWS()
	switch {
	case c.lhs.isVar && c.lhs.text == "extra" && !c.rhs.isVar:
		c.rhs.text = pep503.Normalize(c.rhs.text)
	case c.rhs.isVar && !c.lhs.isVar && (c.rhs.text == "extra" || c.rhs.text == "extras" || c.rhs.text == "dependency_groups"):
		c.lhs.text = pep503.Normalize(c.lhs.text)
	}
	return &c, nil
}

func (s *scanner) operand() (operand, error) {
	if v := s.variable(); v != "" {
		s.pos += len(v)
		name := strings.ReplaceAll(v, ".", "_")
		if name == "python_implementation" {
			name = "platform_python_implementation"
		}
		return operand{text: name, isVar: true}, nil
	}
	if n := s.quoted(); n > 0 {
		start := s.pos
		s.pos += n
		v, err := evalPyString(s.src[start:s.pos])
		if err != nil {
			return operand{}, s.failFrom(start, "Invalid quoted string: "+err.Error())
		}
		if strings.Contains(v, `"`) && strings.Contains(v, `'`) {
			// packaging parses this but cannot print it (str() raises).
			return operand{}, s.failFrom(start, "Invalid quoted string: value contains both quote characters")
		}
		return operand{text: v}, nil
	}
	return operand{}, s.fail("Expected a marker variable or quoted string")
}

func (s *scanner) markerOp() (string, error) {
	switch {
	case s.keyword("in"):
		s.pos += len("in")
		return "in", nil
	case s.keyword("not"):
		s.pos += len("not")
		if !s.hasWS() {
			return "", s.fail("Expected whitespace after 'not'")
		}
		s.skipWS()
		if !s.keyword("in") {
			return "", s.fail("Expected 'in' after 'not'")
		}
		s.pos += len("in")
		return "not in", nil
	}
	if o := s.op(); o != "" {
		s.pos += len(o)
		return o, nil
	}
	return "", s.fail("Expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in")
}
