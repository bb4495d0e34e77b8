package report

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
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
// "files" and "attestations" as [] (SPEC §7), and whose files list their
// attestations' problems too (listedProblems). d is not modified.
func normalized(d *Document) *Document {
	c := *d
	c.Packages = make([]Package, len(d.Packages))
	for i, p := range d.Packages {
		c.Packages[i] = normalizedPackage(p)
	}
	return &c
}

// normalizedPackage is one package of normalized.
func normalizedPackage(p Package) Package {
	p.Problems = nonNil(p.Problems)
	files := make([]File, len(p.Files))
	for j, f := range p.Files {
		f.Problems = listedProblems(f)
		atts := make([]Attestation, len(f.Attestations))
		for k, a := range f.Attestations {
			a.Problems = nonNil(a.Problems)
			atts[k] = a
		}
		f.Attestations = nonNil(atts)
		files[j] = f
	}
	p.Files = nonNil(files)
	return p
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// listedProblems is a file's "problems" in JSON (SPEC §7): its own, then
// those of its attestations that it does not list already, in order. The
// engine stores an attestation's problem once, on the attestation (STYLE
// §8); the file's list, which JSON consumers read, is derived here.
func listedProblems(f File) []Problem {
	out := slices.Clone(f.Problems)
	for _, a := range f.Attestations {
		for _, p := range a.Problems {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return nonNil(out)
}
