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

// namesPrerelease reports whether the clause explicitly names a pre-release
// in an inclusive operator, which PEP 440 ("Handling of pre-releases") and
// packaging take as a request to consider pre-releases: ">=1.0a1" does,
// "<1.0a1" and "!=1.0a1" do not.
func (s Specifier) namesPrerelease() bool {
	switch s.op {
	case "==", ">=", "<=", "~=":
		return s.v.IsPrerelease()
	case "===":
		v, err := ParseVersion(s.raw)
		return err == nil && v.IsPrerelease()
	}
	return false
}

// contains applies the clause to v, ignoring the pre-release policy, with
// the rules of PEP 440 "Version specifiers" as packaging implements them.
func (s Specifier) contains(v Version) bool {
	switch s.op {
	case "===":
		// PEP 440 "Arbitrary equality": a case-insensitive string comparison.
		return strings.EqualFold(v.String(), s.raw)
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
		// of V itself unless V is a pre-release.
		if v.Compare(s.v) >= 0 {
			return false
		}
		return s.v.IsPrerelease() || !v.IsPrerelease() || v.base().Compare(s.v.base()) != 0
	case ">":
		// >V excludes post-releases of V unless V is one, and local
		// versions of V.
		if v.Compare(s.v) <= 0 {
			return false
		}
		if !s.v.IsPostrelease() && v.IsPostrelease() && v.base().Compare(s.v.base()) == 0 {
			return false
		}
		return len(v.local) == 0 || v.base().Compare(s.v.base()) != 0
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
// (or all white space) s yields the empty set. The error quotes s and says
// which clause is wrong and why.
func ParseSpecifierSet(s string) (SpecifierSet, error) {
	if strings.TrimSpace(s) == "" {
		return SpecifierSet{}, nil
	}
	var set SpecifierSet
	for _, item := range strings.Split(s, ",") {
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
	if v.IsPrerelease() && !prereleases && !s.namesPrerelease() {
		return false
	}
	for _, sp := range s.specs {
		if !sp.contains(v) {
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
	i := s.newest(versions, prereleases)
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
	i := s.newest(parsed, prereleases)
	if i < 0 {
		return "", false
	}
	return written[i], true
}

func (s SpecifierSet) newest(versions []Version, prereleases bool) int {
	best, bestPre := -1, -1
	for i, v := range versions {
		if !s.Contains(v, true) {
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
