package report

import (
	"fmt"
	"io"
	"strings"
)

// Format is an output format of SPEC §2's --format flag. *Format satisfies
// pflag.Value (String, Set, Type) without importing pflag, so cmd can bind
// it directly and "--format xml" fails at parse time with the choices.
type Format string

// The formats of SPEC §7.
const (
	Text     Format = "text"
	JSON     Format = "json"
	SARIF    Format = "sarif"
	Markdown Format = "markdown"
	// JSONL is JSON Lines (issue #13): one package object per line, in
	// input order, then a summary line; written as packages complete.
	JSONL Format = "jsonl"
)

// formats lists every Format in the order the help text shows them.
var formats = []Format{Text, JSON, SARIF, Markdown, JSONL}

// Formats returns the names of every format, for the --format flag's help
// and error messages.
func Formats() []string {
	out := make([]string, len(formats))
	for i, f := range formats {
		out[i] = string(f)
	}
	return out
}

// ParseFormat returns the Format named s (case-sensitive, as SPEC spells
// them), or an error listing the valid names.
func ParseFormat(s string) (Format, error) {
	for _, f := range formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("invalid format %q: must be one of %s", s, strings.Join(Formats(), ", "))
}

// String returns the format's name (pflag.Value).
func (f *Format) String() string { return string(*f) }

// Set parses s into f (pflag.Value).
func (f *Format) Set(s string) error {
	v, err := ParseFormat(s)
	if err != nil {
		return err
	}
	*f = v
	return nil
}

// Type names the flag's value type in help output (pflag.Value).
func (f *Format) Type() string { return "format" }

// Options are the presentation choices that cmd makes (STYLE §5.3): the
// renderers never look at the terminal or the environment themselves.
type Options struct {
	// Color enables ANSI colour in the text format; cmd sets it only on a
	// terminal and never with NO_COLOR (SPEC §2). Other formats ignore it.
	Color bool
	// Width is the terminal width in columns for the text table; long
	// publisher cells are shortened to fit. 0 means unlimited.
	Width int
	// Detail makes the text format print every file and attestation and
	// explain each problem (pyverify check of one package, pyverify verify).
	Detail bool
}

// Write renders d to w in format f (STYLE §5.3): one switch over the
// per-format renderers, all of which read the same Document and none of
// which reorders its packages.
func Write(w io.Writer, f Format, d *Document, o Options) error {
	if d == nil {
		d = &Document{SchemaVersion: SchemaVersion, Tool: Tool{Name: ToolName}}
	}
	switch f {
	case Text:
		return writeText(w, d, o)
	case JSON:
		return writeJSON(w, d)
	case SARIF:
		return writeSARIF(w, d)
	case Markdown:
		return writeMarkdown(w, d)
	case JSONL:
		return writeJSONL(w, d)
	}
	return fmt.Errorf("write report: unknown format %q", string(f))
}
