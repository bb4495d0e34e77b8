package verify

import (
	"fmt"
	"slices"

	"github.com/pyverify/pyverify/policy"
	"github.com/pyverify/pyverify/pypi"
)

// PolicyPins turns observed evidence into policy entries (SPEC §6, policy
// init): a package whose every file has a verified attestation is pinned to
// the publishers seen, with require = "attestation"; a hash-only package gets
// require = "hash". A package that failed or could not be checked is not
// pinned at all — an entry would weaken what the top level asks — and is
// returned in skipped with the reason. When a name appears more than once,
// its best observation decides.
func PolicyPins(rep *Report) (pins []policy.Pin, skipped []string) {
	best := map[string]Package{}
	var order []string
	for _, p := range rep.Packages {
		name := pypi.NormalizeName(p.Name)
		prev, seen := best[name]
		if !seen {
			order = append(order, name)
		}
		if !seen || Worst(prev.Evidence, p.Evidence) == prev.Evidence && prev.Evidence != p.Evidence {
			best[name] = p
		}
	}
	for _, name := range order {
		p := best[name]
		switch p.Evidence {
		case Verified:
			pin := policy.Pin{Name: name, Require: policy.Attestation}
			for _, f := range p.Files {
				for _, at := range f.Attestations {
					if !at.Verified {
						continue
					}
					pub := policy.PublisherFor(PolicyIdentity(at))
					if !slices.Contains(pin.Publishers, pub) {
						pin.Publishers = append(pin.Publishers, pub)
					}
				}
			}
			pins = append(pins, pin)
		case HashOnly:
			pins = append(pins, policy.Pin{Name: name, Require: policy.Hash})
		default:
			skipped = append(skipped, fmt.Sprintf("%s: %s: %s", p.Name, p.Evidence, firstProblem(p)))
		}
	}
	return pins, skipped
}

// firstProblem is the first reason given about p, for one-line notes.
func firstProblem(p Package) string {
	for _, q := range p.Problems {
		return q.Message
	}
	for _, f := range p.Files {
		for _, q := range f.AllProblems() {
			return q.Message
		}
	}
	return "no details"
}
