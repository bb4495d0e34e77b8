package policy

import (
	"bytes"
	"slices"
)

// Pin is one package that `pyverify policy init` pins (SPEC §6).
type Pin struct {
	// Name is the project name; Render writes it normalised (PEP 503).
	Name string
	// Require is the entry's level; "" means "attestation" when the pin
	// has publishers, else "hash".
	Require Level
	// Publishers are the publishers to allow, usually PublisherFor of each
	// observed identity. Their fields are globs, written as they are.
	Publishers []Publisher
}

// Render writes a pyverify.toml that pins pins, for `pyverify policy init`:
// trust on first use, so that a later release published from elsewhere, or
// without attestations, fails (SPEC §6). Pins whose names normalise alike
// are merged (publishers in order without repeats, the stronger level).
// Parsing the output gives back the same entries, provided that the pins
// are valid (known kinds with their required fields, valid globs); Render
// does not check them, `pyverify policy check` does.
func Render(pins []Pin) []byte {
	var merged []Pin
	index := map[string]int{}
	for _, p := range pins {
		name := normalizeName(p.Name)
		req := p.Require
		if req == "" {
			req = Hash
			if len(p.Publishers) > 0 {
				req = Attestation
			}
		}
		i, ok := index[name]
		if !ok {
			index[name] = len(merged)
			merged = append(merged, Pin{Name: name, Require: req})
			i = len(merged) - 1
		}
		m := &merged[i]
		if req == Attestation {
			m.Require = Attestation
		}
		for _, pub := range p.Publishers {
			if !slices.Contains(m.Publishers, pub) {
				m.Publishers = append(m.Publishers, pub)
			}
		}
	}

	var b bytes.Buffer
	b.WriteString("# pyverify policy (SPEC §6), written by `pyverify policy init`.\n")
	b.WriteString("# Each package below is pinned to the publishers observed when it was\n")
	b.WriteString("# written: a later release published from elsewhere, or without\n")
	b.WriteString("# attestations, violates the policy.\n")
	b.WriteString("require = \"hash\"\n")
	for _, m := range merged {
		b.WriteString("\n[")
		b.WriteString(entryKey("", m.Name))
		b.WriteString("]\nrequire = ")
		b.WriteString(quoteString(string(m.Require)))
		b.WriteString("\n")
		if len(m.Publishers) == 0 {
			continue
		}
		b.WriteString("publishers = [\n")
		for _, pub := range m.Publishers {
			b.WriteString("  { kind = ")
			b.WriteString(quoteString(pub.Kind))
			for _, f := range []struct{ k, v string }{
				{"repository", pub.Repository},
				{"workflow", pub.Workflow},
				{"environment", pub.Environment},
				{"email", pub.Email},
				{"ref", pub.Ref},
				{"runner", pub.Runner},
			} {
				if f.v == "" {
					continue
				}
				b.WriteString(", ")
				b.WriteString(f.k)
				b.WriteString(" = ")
				b.WriteString(quoteString(f.v))
			}
			b.WriteString(" },\n")
		}
		b.WriteString("]\n")
	}
	return b.Bytes()
}
