package pypi

import "strconv"

// Position is where something was read: a file and its 1-based line, as
// go/token.Position and golang/vuln's Position locate a finding. The zero
// value means "not read from a file" (a requirement given on the command
// line). It is kept structured so that a renderer that needs the file and
// the line apart (SARIF's artifactLocation and region) never parses them
// back out of a "FILE:LINE" string (STYLE §8).
type Position struct {
	File string
	Line int // 1-based; 0 when only the file is known
}

// String returns "FILE:LINE", FILE alone when the line is unknown, or ""
// for the zero Position.
func (p Position) String() string {
	if p.Line < 1 {
		return p.File
	}
	return p.File + ":" + strconv.Itoa(p.Line)
}

// Position returns where r was read; the zero Position for a requirement
// given on the command line.
func (r Requirement) Position() Position {
	if r.File == "" {
		return Position{}
	}
	return Position{File: r.File, Line: r.Line}
}
