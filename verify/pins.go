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
// require = "hash", and the publishers of its attested files when some are
// (a partly attested release keeps its attested files bound). A package that
// failed or could not be checked is not pinned at all — an entry would
// weaken what the top level asks — and is returned in skipped with the
// reason. Neither is a package whose publishers changed, regressed or
// disagree among its files (issue #9): pinning would trust the impostor next
// to the real publisher, so the note names both and the user decides. When
// a name appears more than once, its best observation decides.
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
		if c := p.Continuity; c != nil && len(c.Findings) > 0 {
			skipped = append(skipped, fmt.Sprintf("%s: publisher continuity %s, pin the right publisher yourself: %s", p.Name, c.Status, c.Findings[0].Message))
			continue
		}
		switch p.Evidence {
		case Verified, HashOnly:
			pin := policy.Pin{Name: name, Require: policy.Attestation}
			if p.Evidence == HashOnly {
				pin.Require = policy.Hash
			}
			for _, f := range p.Files {
				for _, at := range f.Attestations {
					if !at.Verified || len(at.Problems) > 0 {
						continue
					}
					pub := policy.PublisherFor(PolicyIdentity(at))
					if !slices.Contains(pin.Publishers, pub) {
						pin.Publishers = append(pin.Publishers, pub)
					}
				}
			}
			pins = append(pins, pin)
		case NotApplicable:
			// Nothing was observed for the target (issue #11).
			skipped = append(skipped, p.NotApplicable)
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
