package pypi

import (
	"fmt"
	"slices"
	"strings"
)

// MergeRequirements turns what the requirements files and the command line
// ask for into the list of packages to check, as pip would install them
// (SPEC §3, pip's "double requirement" and constraints rules):
//
//   - the same project asked for twice (same PEP 503 name and the same
//     environment marker) is one package: identical specifiers merge, with
//     their hashes combined; a pin and a range that contains it become the
//     pin; two ranges intersect; two different pins, or a pin outside the
//     other's range, are an error naming both FILE:LINEs;
//   - constraints (-c) never add packages; they narrow the requirement of
//     the same name by the same rules, and their hashes apply when the
//     requirement has none.
//
// Requirements keep the order and the source of their first occurrence.
// Unsupported (URL, VCS, path) requirements are kept as they are.
func MergeRequirements(reqs, constraints []Requirement) ([]Requirement, error) {
	var (
		out  []Requirement
		errs ParseErrors
	)
	index := map[string]int{} // name + marker → position in out
	for _, r := range reqs {
		if r.Unsupported != "" || r.Name == "" {
			out = append(out, r)
			continue
		}
		key := NormalizeName(r.Name) + ";" + strings.Join(strings.Fields(r.Marker), " ")
		i, seen := index[key]
		if !seen {
			index[key] = len(out)
			out = append(out, r)
			continue
		}
		merged, err := narrow(out[i], r, "requirement")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		merged.Hashes = unionHashes(out[i].Hashes, r.Hashes)
		merged.AttestationIdentities = unionIdentities(out[i].AttestationIdentities, r.AttestationIdentities)
		out[i] = merged
	}
	for _, c := range constraints {
		if c.Unsupported != "" || c.Name == "" {
			continue
		}
		for i, r := range out {
			if r.Unsupported != "" || NormalizeName(r.Name) != NormalizeName(c.Name) {
				continue
			}
			merged, err := narrow(r, c, "constraint")
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if len(r.Hashes) == 0 {
				merged.Hashes = c.Hashes
			}
			out[i] = merged
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

// narrow returns r restricted by o's specifier (o being a repeated
// requirement or a constraint), keeping r's name, source and text.
func narrow(r, o Requirement, what string) (Requirement, *ParseError) {
	if o.Specifier.IsEmpty() || r.Specifier.Equal(o.Specifier) {
		return r, nil
	}
	conflict := func() *ParseError {
		return &ParseError{File: o.File, Line: o.Line,
			Msg: fmt.Sprintf("%s %q conflicts with %q (%s)", what, o.Text, r.Text, r.Source())}
	}
	if r.Specifier.IsEmpty() {
		r.Specifier, r.Spec = o.Specifier, o.Spec
		return r, nil
	}
	rv, rPinned := r.Pinned()
	ov, oPinned := o.Specifier.Pinned()
	switch {
	case rPinned && oPinned:
		if !containsVersion(o.Specifier, rv) { // ==1.0 and ==1.0.0 are one pin
			return r, conflict()
		}
		return r, nil
	case rPinned:
		if !containsVersion(o.Specifier, rv) {
			return r, conflict()
		}
		return r, nil
	case oPinned:
		if !containsVersion(r.Specifier, ov) {
			return r, conflict()
		}
		r.Specifier, r.Spec = o.Specifier, o.Spec
		return r, nil
	}
	spec := r.Spec + "," + o.Spec
	set, err := ParseSpecifierSet(spec)
	if err != nil {
		return r, &ParseError{File: o.File, Line: o.Line, Msg: fmt.Sprintf("%s %q cannot be combined with %q: %v", what, o.Text, r.Text, err)}
	}
	r.Specifier, r.Spec = set, set.String()
	return r, nil
}

// containsVersion reports whether s admits the version v (pre-releases
// included: a pin names its version explicitly).
func containsVersion(s SpecifierSet, v string) bool {
	pv, err := ParseVersion(v)
	return err == nil && s.Contains(pv, true)
}

func unionHashes(a, b []string) []string {
	out := slices.Clone(a)
	for _, h := range b {
		if !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}

func unionIdentities(a, b []AttestationIdentity) []AttestationIdentity {
	out := slices.Clone(a)
	for _, id := range b {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
