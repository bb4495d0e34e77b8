package pypi

import (
	"fmt"
	"strings"
)

// Specifier is one clause of a PEP 440 version specifier, such as ">=1.0",
// "==1.2.*" or "~=2.2". Build it with ParseSpecifierSet.
type Specifier struct {
	op       string  // one of specifierOps
	v        Version // the parsed version (the prefix for a wildcard); zero for ===
	raw      string  // the version as written, trimmed (used by ===)
	wildcard bool    // "==1.2.*" or "!=1.2.*"
}

// specifierOps lists PEP 440's comparison operators, longest first so that
// prefix matching picks "===" over "==" and "<=" over "<".
var specifierOps = []string{"===", "~=", "==", "!=", "<=", ">=", "<", ">"}

// Operator returns the clause's operator: "==", "!=", "<=", ">=", "<", ">",
// "~=" or "===".
func (s Specifier) Operator() string { return s.op }

// String returns the clause with its version normalised ("==1.2.*",
// ">=1.0rc1"); an arbitrary equality ("===") keeps its version as written.
func (s Specifier) String() string {
	switch {
	case s.op == "===":
		return s.op + s.raw
	case s.wildcard:
		return s.op + s.v.String() + ".*"
	}
	return s.op + s.v.String()
}

// namesPrerelease reports whether the clause names a pre-release, which
// PEP 440 ("Handling of pre-releases") and packaging take as a request to
// consider pre-releases. Current packaging (>= 24.2, which pip's finder
// uses) counts every operator but "!=" and wildcards: "<2.0a2" admits
// 2.0a1, as ">=1.0a1" admits 1.0a2; packaging 21.3 counted only the
// inclusive ones.
func (s Specifier) namesPrerelease() bool {
	switch {
	case s.op == "!=" || s.wildcard:
		return false
	case s.op == "===":
		v, err := ParseVersion(s.raw)
		return err == nil && v.IsPrerelease()
	}
	return s.v.IsPrerelease()
}

// contains applies the clause to v, ignoring the pre-release policy, with
// the rules of PEP 440 "Version specifiers" as packaging implements them.
// written is v as the index spells it, or "" to use v's normal form.
func (s Specifier) contains(v Version, written string) bool {
	switch s.op {
	case "===":
		// PEP 440 "Arbitrary equality": a case-insensitive comparison of
		// the strings as written ("===1.0-post1" is not 1.0.post1).
		if written == "" {
			written = v.String()
		}
		return strings.EqualFold(strings.TrimSpace(written), s.raw)
	case "==":
		return s.equal(v)
	case "!=":
		return !s.equal(v)
	case "~=":
		// PEP 440 "Compatible release": ~=V.N is >=V.N, ==V.*.
		prefix := Specifier{op: "==", v: Version{epoch: s.v.epoch, release: s.v.release[:len(s.v.release)-1]}, wildcard: true}
		return v.public().Compare(s.v) >= 0 && prefix.equal(v)
	case "<=":
		return v.public().Compare(s.v) <= 0
	case ">=":
		return v.public().Compare(s.v) >= 0
	case "<":
		// PEP 440 "Exclusive ordered comparison": <V excludes pre-releases
		// of V itself unless V is a pre-release; as packaging, the bound
		// is then V.dev0, the earliest of them.
		bound := s.v
		if !bound.IsPrerelease() {
			bound.devN, bound.local = "0", nil
		}
		return v.Compare(bound) < 0
	case ">":
		// >V excludes V's local versions and, unless V is a post- or dev
		// release, its post-releases (with their locals): the versions
		// with V's epoch, release and pre-release. Other releases' local
		// versions are above V (packaging >= 24.2; 21.3 compared the
		// release only, so >2.0a1 refused 2.0.post1).
		if v.Compare(s.v) <= 0 || v.public().Compare(s.v) == 0 {
			return false
		}
		if s.v.IsPostrelease() || s.v.IsDevrelease() {
			return true
		}
		return cmpNum(v.epoch, s.v.epoch) != 0 || cmpRelease(v.release, s.v.release) != 0 ||
			v.preL != s.v.preL || cmpNum(v.preN, s.v.preN) != 0
	}
	return false
}

// equal implements "==": prefix matching for a wildcard (PEP 440 "Version
// matching": the candidate's release is zero-padded and truncated to the
// prefix's length, its local label ignored), otherwise PEP 440 equality,
// ignoring the candidate's local label when the clause has none.
func (s Specifier) equal(v Version) bool {
	if s.wildcard {
		if cmpNum(v.epoch, s.v.epoch) != 0 {
			return false
		}
		for i, want := range s.v.release {
			got := "0"
			if i < len(v.release) {
				got = v.release[i]
			}
			if cmpNum(got, want) != 0 {
				return false
			}
		}
		return true
	}
	if len(s.v.local) == 0 {
		v = v.public()
	}
	return v.Compare(s.v) == 0
}

// SpecifierSet is a comma-separated set of PEP 440 version specifier
// clauses, all of which must hold. The zero SpecifierSet is empty and
// admits every version.
type SpecifierSet struct {
	specs []Specifier
}

// ParseSpecifierSet parses a PEP 440 specifier set such as ">=1.0, <2,
// !=1.3.*". Clauses are separated by commas; each is an operator (==, !=,
// <=, >=, <, >, ~=, ===) and a version, with optional white space between.
// Wildcards ("1.2.*") are allowed only with == and != and only after a
// release segment; local versions only with == and !=; ~= needs at least two
// release components; === takes any string without white space. An empty
// (or all white space) s yields the empty set; one trailing comma is
// allowed, as current packaging allows it. The error quotes s and says
// which clause is wrong and why.
func ParseSpecifierSet(s string) (SpecifierSet, error) {
	if strings.TrimSpace(s) == "" {
		return SpecifierSet{}, nil
	}
	var set SpecifierSet
	items := strings.Split(s, ",")
	if len(items) > 1 && strings.TrimSpace(items[len(items)-1]) == "" {
		// One trailing comma, as current packaging's requirement grammar
		// (and so pip) accepts: "x>=1.0," is "x>=1.0".
		items = items[:len(items)-1]
	}
	for _, item := range items {
		sp, err := parseSpecifier(strings.TrimSpace(item))
		if err != nil {
			return SpecifierSet{}, fmt.Errorf("invalid specifier %q: %w", strings.TrimSpace(s), err)
		}
		set.specs = append(set.specs, sp)
	}
	return set, nil
}

func parseSpecifier(item string) (Specifier, error) {
	if item == "" {
		return Specifier{}, fmt.Errorf("empty clause")
	}
	var sp Specifier
	for _, op := range specifierOps {
		if strings.HasPrefix(item, op) {
			sp.op = op
			break
		}
	}
	if sp.op == "" {
		return Specifier{}, fmt.Errorf("clause %q has no operator (==, !=, <=, >=, <, >, ~=, ===)", item)
	}
	sp.raw = strings.TrimSpace(item[len(sp.op):])
	if sp.raw == "" {
		return Specifier{}, fmt.Errorf("clause %q has no version", item)
	}
	if sp.op == "===" {
		if strings.ContainsAny(sp.raw, " \t\r\n\f\v;)") {
			return Specifier{}, fmt.Errorf("arbitrary equality %q contains white space, \";\" or \")\"", item)
		}
		return sp, nil
	}
	vs := sp.raw
	if strings.HasSuffix(vs, ".*") {
		if sp.op != "==" && sp.op != "!=" {
			return Specifier{}, fmt.Errorf("clause %q: a wildcard is allowed only with == and !=", item)
		}
		sp.wildcard = true
		vs = strings.TrimSuffix(vs, ".*")
		if strings.TrimSpace(vs) != vs {
			return Specifier{}, fmt.Errorf("clause %q: white space before \".*\"", item)
		}
	}
	v, err := ParseVersion(vs)
	if err != nil {
		return Specifier{}, fmt.Errorf("clause %q: %w", item, err)
	}
	sp.v = v
	switch {
	case sp.wildcard && (v.preL != "" || v.postN != "" || v.devN != "" || len(v.local) > 0):
		return Specifier{}, fmt.Errorf("clause %q: a wildcard must follow a release segment (like ==1.2.*)", item)
	case len(v.local) > 0 && sp.op != "==" && sp.op != "!=":
		return Specifier{}, fmt.Errorf("clause %q: a local version is allowed only with == and !=", item)
	case sp.op == "~=" && len(v.release) < 2:
		return Specifier{}, fmt.Errorf("clause %q: ~= needs a version with at least two release components", item)
	}
	return sp, nil
}

// Specifiers returns the clauses of s in the order written.
func (s SpecifierSet) Specifiers() []Specifier {
	return append([]Specifier(nil), s.specs...)
}

// IsEmpty reports whether s has no clauses (admits every version).
func (s SpecifierSet) IsEmpty() bool { return len(s.specs) == 0 }

// String returns the clauses normalised and joined by commas, in the order
// written; ParseSpecifierSet(s.String()) yields an equal set.
func (s SpecifierSet) String() string {
	parts := make([]string, len(s.specs))
	for i, sp := range s.specs {
		parts[i] = sp.String()
	}
	return strings.Join(parts, ",")
}

// Equal reports whether s and o print the same (it lets go-cmp compare
// SpecifierSets).
func (s SpecifierSet) Equal(o SpecifierSet) bool { return s.String() == o.String() }

// Pinned returns the version s pins and true when s is exactly one "==X"
// clause without a wildcard (X normalised) or one "===X" clause (X as
// written). SPEC §3: any other requirement is resolved and flagged
// not-pinned.
func (s SpecifierSet) Pinned() (version string, ok bool) {
	if len(s.specs) != 1 {
		return "", false
	}
	switch sp := s.specs[0]; {
	case sp.op == "===":
		return sp.raw, true
	case sp.op == "==" && !sp.wildcard:
		return sp.v.String(), true
	}
	return "", false
}

// namesPrerelease reports whether any clause names a pre-release.
func (s SpecifierSet) namesPrerelease() bool {
	for _, sp := range s.specs {
		if sp.namesPrerelease() {
			return true
		}
	}
	return false
}

// Contains reports whether v satisfies every clause of s. Pre-releases
// (including dev releases) are excluded, as PEP 440 "Handling of
// pre-releases" requires by default, unless prereleases is true or a clause
// names a pre-release (">=2.0b1"). The exclusive comparisons follow PEP 440:
// ">1.7" does not admit 1.7.post1 or 1.7+local, "<1.7" does not admit
// 1.7rc1 or 1.7.dev0 unless its own version is a pre-release.
func (s SpecifierSet) Contains(v Version, prereleases bool) bool {
	return s.contains(v, "", prereleases)
}

func (s SpecifierSet) contains(v Version, written string, prereleases bool) bool {
	if v.IsPrerelease() && !prereleases && !s.namesPrerelease() {
		return false
	}
	for _, sp := range s.specs {
		if !sp.contains(v, written) {
			return false
		}
	}
	return true
}

// Newest returns the newest of versions that s contains, the way pip picks a
// candidate: pre-releases are considered only if prereleases is true, a
// clause names one, or no final release matches. ok is false when nothing
// matches.
func (s SpecifierSet) Newest(versions []Version, prereleases bool) (newest Version, ok bool) {
	i := s.newest(versions, nil, prereleases)
	if i < 0 {
		return Version{}, false
	}
	return versions[i], true
}

// NewestString is Newest for versions as written in an index (the keys of
// the JSON API's "releases"). Versions that are not PEP 440 are skipped, as
// pip skips them; the newest match is returned as written.
func (s SpecifierSet) NewestString(versions []string, prereleases bool) (newest string, ok bool) {
	var parsed []Version
	var written []string
	for _, w := range versions {
		if v, err := ParseVersion(w); err == nil {
			parsed = append(parsed, v)
			written = append(written, w)
		}
	}
	i := s.newest(parsed, written, prereleases)
	if i < 0 {
		return "", false
	}
	return written[i], true
}

// newest picks from versions; written, when not nil, holds them as spelled
// in the index (for "===").
func (s SpecifierSet) newest(versions []Version, written []string, prereleases bool) int {
	best, bestPre := -1, -1
	for i, v := range versions {
		w := ""
		if written != nil {
			w = written[i]
		}
		if !s.contains(v, w, true) {
			continue
		}
		if v.IsPrerelease() && !prereleases && !s.namesPrerelease() {
			if bestPre < 0 || v.Compare(versions[bestPre]) > 0 {
				bestPre = i
			}
			continue
		}
		if best < 0 || v.Compare(versions[best]) > 0 {
			best = i
		}
	}
	if best < 0 {
		return bestPre
	}
	return best
}

// ContainsString is Contains for a version as written (an index's spelling):
// "===" compares the written string, as packaging does; a string that is not
// PEP 440 satisfies only "===" clauses.
func (s SpecifierSet) ContainsString(written string, prereleases bool) bool {
	v, err := ParseVersion(written)
	if err != nil {
		for _, sp := range s.specs {
			if sp.op != "===" || !strings.EqualFold(sp.raw, written) {
				return false
			}
		}
		return len(s.specs) > 0
	}
	return s.contains(v, written, prereleases)
}
