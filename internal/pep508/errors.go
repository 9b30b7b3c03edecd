package pep508

import "fmt"

// SyntaxError reports where a requirement or marker stopped parsing and what
// the parser expected there. Messages use packaging's wording so that they
// can be compared with pip's output.
type SyntaxError struct {
	Message string
	// Start and End are byte offsets into the input of the offending span;
	// End is where parsing stopped (packaging's caret position).
	Start, End int
}

func (e *SyntaxError) Error() string {
	if e.Start == e.End {
		return fmt.Sprintf("%s at position %d", e.Message, e.End)
	}
	return fmt.Sprintf("%s at positions %d-%d", e.Message, e.Start, e.End)
}
