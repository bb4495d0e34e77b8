package report

import (
	"encoding/json"
	"fmt"
	"io"
)

// writeJSON renders d as SPEC §7's JSON: indented two spaces, fields in
// declaration order, lists as [] never null, and no HTML escaping so
// messages stay readable. The output is stable: the same Document always
// gives the same bytes.
func writeJSON(w io.Writer, d *Document) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(normalized(d)); err != nil {
		return fmt.Errorf("write json report: %w", err)
	}
	return nil
}

// normalized returns a copy of d whose lists are non-nil, so that a
// Document built by hand or decoded from JSON still marshals "problems",
// "files" and "attestations" as [] (SPEC §7). d is not modified.
func normalized(d *Document) *Document {
	c := *d
	c.Packages = make([]Package, len(d.Packages))
	for i, p := range d.Packages {
		p.Problems = nonNil(p.Problems)
		files := make([]File, len(p.Files))
		for j, f := range p.Files {
			f.Problems = nonNil(f.Problems)
			atts := make([]Attestation, len(f.Attestations))
			for k, a := range f.Attestations {
				a.Problems = nonNil(a.Problems)
				atts[k] = a
			}
			f.Attestations = atts
			files[j] = f
		}
		p.Files = files
		c.Packages[i] = p
	}
	return &c
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
