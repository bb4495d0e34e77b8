package pypi

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// The positioned TOML layer shared by the two TOML inputs, PEP 751 lock
// files here and pyverify.toml policies in package policy: go-toml's
// decoder checks a document and positions its syntax errors, and a tree
// rebuilt from go-toml's unstable AST keeps the line:column of every key and
// value, which the decoded map does not, so that each schema can put its
// own errors at FILE:LINE(:COL).

// TOMLPos is a 1-based line and byte column in a TOML document; the zero
// value is "no position".
type TOMLPos struct{ Line, Col int }

// TOMLKind is the shape of a TOMLValue.
type TOMLKind int

// The shapes of TOML values.
const (
	TOMLTable TOMLKind = iota
	TOMLArray
	TOMLScalar
)

// TOMLValue is a TOML value with the positions needed for error messages.
// The go-toml decoder has already checked the document (duplicate keys,
// table redefinitions, value syntax), so the tree builder only assembles.
type TOMLValue struct {
	Kind TOMLKind
	Key  TOMLPos // the key (or header) that introduced the value
	At   TOMLPos // the value itself; zero when it has no text of its own

	Names  []string              // tables: keys in file order
	Fields map[string]*TOMLValue // tables
	Elems  []*TOMLValue          // arrays
	Scalar unstable.Kind         // scalars
	Text   string                // scalars: decoded value (raw for non-strings)
	Inline bool                  // tables: written as { ... }
}

// newTOMLTable makes an empty table value.
func newTOMLTable(key, at TOMLPos) *TOMLValue {
	return &TOMLValue{Kind: TOMLTable, Key: key, At: at, Fields: map[string]*TOMLValue{}}
}

// Where is the position to report for a problem with the value: the value,
// else its key, else the start of the file.
func (v *TOMLValue) Where() TOMLPos {
	if v.At.Line > 0 {
		return v.At
	}
	if v.Key.Line > 0 {
		return v.Key
	}
	return TOMLPos{1, 1}
}

// KeyWhere is the position of the key that introduced the value (else
// Where), for unknown keys and problems with a table as a whole.
func (v *TOMLValue) KeyWhere() TOMLPos {
	if v.Key.Line < 1 {
		return v.Where()
	}
	return v.Key
}

// TypeName names the value's TOML type for "wrong type" messages.
func (v *TOMLValue) TypeName() string {
	switch v.Kind {
	case TOMLTable:
		return "a table"
	case TOMLArray:
		return "an array"
	}
	switch v.Scalar {
	case unstable.String:
		return "a string"
	case unstable.Bool:
		return "a boolean"
	case unstable.Integer:
		return "an integer"
	case unstable.Float:
		return "a float"
	case unstable.LocalDate:
		return "a date"
	case unstable.LocalTime:
		return "a time"
	case unstable.LocalDateTime, unstable.DateTime:
		return "a date-time"
	}
	return "a value"
}

// set adds or replaces a table field, keeping file order.
func (v *TOMLValue) set(name string, child *TOMLValue) {
	if _, ok := v.Fields[name]; !ok {
		v.Names = append(v.Names, name)
	}
	v.Fields[name] = child
}

// TOMLError is a document ParseTOML refuses, at its position (Line and Col
// at least 1). Msg is go-toml's message without its "toml: " prefix.
type TOMLError struct {
	Pos TOMLPos
	Msg string
}

// Error implements error.
func (e *TOMLError) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Col, e.Msg)
}

// ParseTOML checks data as TOML with go-toml's decoder (which positions
// every syntax and semantic error) and returns the decoded document and the
// same document rebuilt from go-toml's unstable AST as a tree whose keys and
// values keep their line:column. Every error is a *TOMLError.
func ParseTOML(data []byte) (doc map[string]any, root *TOMLValue, err error) {
	if err := toml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		return nil, nil, tomlSyntaxError(data, err)
	}
	b := &tomlBuilder{}
	b.p.Reset(data)
	root = newTOMLTable(TOMLPos{}, TOMLPos{})
	cur := root
	for b.p.NextExpression() {
		e := b.p.Expression()
		var err error
		switch e.Kind {
		case unstable.Table:
			cur, err = b.header(root, e, false)
		case unstable.ArrayTable:
			cur, err = b.header(root, e, true)
		case unstable.KeyValue:
			err = b.keyValue(cur, e)
		}
		if err != nil {
			return nil, nil, err
		}
	}
	if err := b.p.Error(); err != nil {
		return nil, nil, tomlSyntaxError(data, err)
	}
	return doc, root, nil
}

// tomlSyntaxError turns a go-toml error into a *TOMLError with a position.
func tomlSyntaxError(data []byte, err error) *TOMLError {
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		return &TOMLError{Pos: TOMLPos{max(line, 1), max(col, 1)}, Msg: strings.TrimPrefix(de.Error(), "toml: ")}
	}
	var pe *unstable.ParserError
	if errors.As(err, &pe) {
		return &TOMLError{Pos: offsetPos(data, subsliceOffset(data, pe.Highlight)), Msg: pe.Message}
	}
	return &TOMLError{Pos: TOMLPos{1, 1}, Msg: err.Error()}
}

// subsliceOffset is the offset of sub within data, or 0 if it is not a
// subslice of it.
func subsliceOffset(data, sub []byte) int {
	if len(sub) == 0 || len(data) == 0 {
		return 0
	}
	off := cap(data) - cap(sub)
	if off < 0 || off > len(data) {
		return 0
	}
	return off
}

// offsetPos converts a byte offset into a 1-based line and column.
func offsetPos(data []byte, off int) TOMLPos {
	off = min(max(off, 0), len(data))
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off + 1
	if i := bytes.LastIndexByte(data[:off], '\n'); i >= 0 {
		col = off - i
	}
	return TOMLPos{line, col}
}

// tomlBuilder assembles the positioned tree from the AST.
type tomlBuilder struct {
	p unstable.Parser
}

// shape is the start position of a node's range; an empty range (a node
// go-toml keeps no text for) has no position.
func (b *tomlBuilder) shape(r unstable.Range) TOMLPos {
	if r.Length == 0 && r.Offset == 0 {
		return TOMLPos{}
	}
	s := b.p.Shape(r)
	return TOMLPos{s.Start.Line, s.Start.Column}
}

// tomlKeyPart is one part of a dotted key, with its position.
type tomlKeyPart struct {
	name string
	at   TOMLPos
}

// keyParts lists the parts of the key of a table header or key/value node.
func (b *tomlBuilder) keyParts(n *unstable.Node) []tomlKeyPart {
	var parts []tomlKeyPart
	it := n.Key()
	for it.Next() {
		k := it.Node()
		parts = append(parts, tomlKeyPart{string(k.Data), b.shape(k.Raw)})
	}
	return parts
}

// errorAt is a structure error at p (at least 1:1).
func (b *tomlBuilder) errorAt(p TOMLPos, format string, args ...any) *TOMLError {
	return &TOMLError{Pos: TOMLPos{max(p.Line, 1), max(p.Col, 1)}, Msg: fmt.Sprintf(format, args...)}
}

// descend walks from t through the table named by part, creating it when
// absent; an array of tables descends into its last element (TOML 1.0).
func (b *tomlBuilder) descend(t *TOMLValue, part tomlKeyPart) (*TOMLValue, error) {
	child := t.Fields[part.name]
	switch {
	case child == nil:
		child = newTOMLTable(part.at, TOMLPos{})
		t.set(part.name, child)
		return child, nil
	case child.Kind == TOMLTable:
		return child, nil
	case child.Kind == TOMLArray && len(child.Elems) > 0 && child.Elems[len(child.Elems)-1].Kind == TOMLTable:
		return child.Elems[len(child.Elems)-1], nil
	}
	return nil, b.errorAt(part.at, "key %q is %s, not a table", part.name, child.TypeName())
}

// header handles [a.b] and [[a.b]] and returns the table that the
// following key/value pairs go into.
func (b *tomlBuilder) header(root *TOMLValue, e *unstable.Node, array bool) (*TOMLValue, error) {
	parts := b.keyParts(e)
	if len(parts) == 0 {
		return nil, b.errorAt(TOMLPos{}, "table header without a key")
	}
	t := root
	for _, part := range parts[:len(parts)-1] {
		var err error
		if t, err = b.descend(t, part); err != nil {
			return nil, err
		}
	}
	last := parts[len(parts)-1]
	if !array {
		return b.descend(t, last)
	}
	arr := t.Fields[last.name]
	if arr == nil {
		arr = &TOMLValue{Kind: TOMLArray, Key: last.at}
		t.set(last.name, arr)
	}
	if arr.Kind != TOMLArray {
		return nil, b.errorAt(last.at, "key %q is %s, not an array of tables", last.name, arr.TypeName())
	}
	elem := newTOMLTable(last.at, last.at)
	arr.Elems = append(arr.Elems, elem)
	return elem, nil
}

// keyValue handles `a.b = value` inside table t.
func (b *tomlBuilder) keyValue(t *TOMLValue, e *unstable.Node) error {
	parts := b.keyParts(e)
	if len(parts) == 0 {
		return b.errorAt(TOMLPos{}, "key/value pair without a key")
	}
	for _, part := range parts[:len(parts)-1] {
		var err error
		if t, err = b.descend(t, part); err != nil {
			return err
		}
	}
	last := parts[len(parts)-1]
	v, err := b.value(e.Value(), last.at)
	if err != nil {
		return err
	}
	t.set(last.name, v)
	return nil
}

// value converts an AST value node.
func (b *tomlBuilder) value(n *unstable.Node, key TOMLPos) (*TOMLValue, error) {
	if n == nil {
		return nil, b.errorAt(key, "missing value")
	}
	switch n.Kind {
	case unstable.Array:
		arr := &TOMLValue{Kind: TOMLArray, Key: key}
		it := n.Children()
		for it.Next() {
			c := it.Node()
			if c.Kind == unstable.Comment {
				continue
			}
			v, err := b.value(c, key)
			if err != nil {
				return nil, err
			}
			arr.Elems = append(arr.Elems, v)
		}
		// go-toml gives an array node no range: errors about the array
		// itself point at its key.
		return arr, nil
	case unstable.InlineTable:
		t := newTOMLTable(key, b.shape(n.Raw))
		t.Inline = true
		it := n.Children()
		for it.Next() {
			c := it.Node()
			if c.Kind != unstable.KeyValue {
				continue
			}
			if err := b.keyValue(t, c); err != nil {
				return nil, err
			}
		}
		return t, nil
	}
	return &TOMLValue{Kind: TOMLScalar, Key: key, At: b.shape(n.Raw), Scalar: n.Kind, Text: string(n.Data)}, nil
}
