package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/pyverify/pyverify/verify"
)

// packagesKey is where a JSON document's package list starts; in the
// document's encoding it can only be the key, since a string value spells
// its quotes \".
const packagesKey = `"packages": [`

// Streams reports whether format f can be written package by package
// (issue #13). Text, Markdown and SARIF need the whole report (column
// widths, the summary first, the rules of every problem kind) and are
// written from a complete Document.
func Streams(f Format) bool { return f == JSON || f == JSONL }

// Stream writes a JSON or JSON Lines report one package at a time, so that
// only the package being written is held (issue #13). The JSON it writes
// is byte for byte what Write gives for the same Document. Its summary is
// counted from the packages it wrote, so it always agrees with them.
type Stream struct {
	w    io.Writer
	f    Format
	head Document // the header fields; Packages and Summary unused
	n    int      // packages written
	sum  Summary
	buf  bytes.Buffer
	err  error // the first write error; later writes are skipped
}

// NewStream starts a report in format f (JSON or JSONL) on w. head gives
// the fields known before any package is checked: schema version, tool,
// index and policy (FromVerify of verify.Engine.Header, say).
func NewStream(w io.Writer, f Format, head *Document) (*Stream, error) {
	if !Streams(f) {
		return nil, fmt.Errorf("write report: format %q cannot be streamed", string(f))
	}
	s := &Stream{w: w, f: f, head: *head}
	s.head.Packages = nil
	if f == JSON {
		b, err := s.encodeHead(Summary{})
		if err == nil {
			i := bytes.Index(b, []byte(packagesKey))
			_, err = w.Write(b[:i+len(packagesKey)])
		}
		s.fail(err)
	}
	return s, nil
}

// Package writes the domain package p (verify.Engine.AuditStream's sink).
func (s *Stream) Package(p verify.Package) { s.add(fromPackageFor(p, s.head.Target != nil)) }

// add writes the wire package p.
func (s *Stream) add(p Package) {
	s.sum.add(p)
	if s.err != nil {
		return
	}
	s.buf.Reset()
	enc := json.NewEncoder(&s.buf)
	enc.SetEscapeHTML(false)
	if s.f == JSON {
		// As an element of the indented document: one level in, the
		// first line's indent written here.
		enc.SetIndent("    ", "  ")
		if s.n > 0 {
			s.buf.WriteString(",")
		}
		s.buf.WriteString("\n    ")
	}
	s.n++
	if err := enc.Encode(normalizedPackage(p)); err != nil {
		s.fail(err)
		return
	}
	if s.f == JSON {
		s.buf.Truncate(s.buf.Len() - 1) // Encode's newline
	}
	_, err := s.w.Write(s.buf.Bytes())
	s.fail(err)
}

// Close ends the report with the interruption and the summary of r (the
// report AuditStream returned); the counts are the packages written.
func (s *Stream) Close(r *verify.Report) error {
	if r != nil {
		s.head.Interrupted = r.Interrupted
	}
	if s.err != nil {
		return s.err
	}
	b, err := s.encodeHead(s.sum)
	if err != nil {
		s.fail(err)
		return s.err
	}
	if s.f == JSON {
		rest := b[bytes.Index(b, []byte(packagesKey))+len(packagesKey):] // "],\n  \"summary\"…"
		if s.n > 0 {
			_, err = io.WriteString(s.w, "\n  ")
		}
		if err == nil {
			_, err = s.w.Write(rest)
		}
	} else {
		_, err = s.w.Write(b)
	}
	s.fail(err)
	return s.err
}

// encodeHead encodes the header with summary sum and no packages: the
// whole document, indented, for JSON; the summary line for JSONL.
func (s *Stream) encodeHead(sum Summary) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	d := s.head
	d.Summary = sum
	var v any = &d
	if s.f == JSON {
		d.Packages = []Package{}
		enc.SetIndent("", "  ")
	} else {
		v = jsonlSummary{SchemaVersion: d.SchemaVersion, Tool: d.Tool, IndexURL: d.IndexURL, Policy: d.Policy,
			Target: d.Target, Interrupted: d.Interrupted, Summary: d.Summary}
	}
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (s *Stream) fail(err error) {
	if err != nil && s.err == nil {
		s.err = fmt.Errorf("write %s report: %w", s.f, err)
	}
}

// jsonlSummary is the last line of a JSON Lines report: the document
// without its packages, which are the lines before it.
type jsonlSummary struct {
	SchemaVersion int     `json:"schema_version"`
	Tool          Tool    `json:"tool"`
	IndexURL      string  `json:"index_url"`
	Policy        string  `json:"policy"`
	Target        *Target `json:"target,omitempty"`
	Interrupted   bool    `json:"interrupted,omitempty"`
	Summary       Summary `json:"summary"`
}

// writeJSONL renders d as JSON Lines: one package object per line, in
// order, then the summary line.
func writeJSONL(w io.Writer, d *Document) error {
	s, err := NewStream(w, JSONL, d)
	if err != nil {
		return err
	}
	for _, p := range d.Packages {
		s.add(p)
	}
	return s.Close(&verify.Report{Interrupted: d.Interrupted})
}
