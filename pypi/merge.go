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
//     environment marker) is one package: identical specifiers merge; a
//     pin and a range that contains it become the pin; two ranges
//     intersect; two different pins, or a pin outside the other's range,
//     are an error naming both FILE:LINEs;
//   - constraints (-c) never add packages; they narrow the requirement of
//     the same name by the same rules;
//   - hashes merge as pip merges them (Hashes.__and__): a line without
//     --hash allows every file, otherwise only files pinned on every line
//     are installed, so only those are checked; pins with nothing in
//     common are an error naming both FILE:LINEs, and a pin that only some
//     lines make is dropped with a notice on the requirement.
//
// Requirements keep the order of their first occurrence. A merged
// requirement is located (File, Line, Text) at the line that decides what
// is checked: the one whose hashes are kept when only one line has any,
// else the one whose specifier is kept, else the first; so a problem with a pin
// is reported at the line that wrote it. Unsupported (URL, VCS, path)
// requirements are kept as they are.
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
		key := NormalizeName(r.Name) + ";" + markerKey(r)
		i, seen := index[key]
		if !seen {
			index[key] = len(out)
			out = append(out, r)
			continue
		}
		merged, err := merge(out[i], r, "requirement")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		merged.OtherHashes = unionHashes(out[i].OtherHashes, r.OtherHashes)
		merged.Notices = unionHashes(merged.Notices, r.Notices)
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
			merged, err := merge(r, c, "constraint")
			if err != nil {
				errs = append(errs, err)
				continue
			}
			out[i] = merged
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

// merge returns r restricted by o (a repeated requirement or a
// constraint): its specifier narrowed, its hashes intersected, located at
// the line that decides what is checked (see MergeRequirements).
func merge(r, o Requirement, what string) (Requirement, *ParseError) {
	n, pinFromO, err := narrow(r, o, what)
	if err != nil {
		return r, err
	}
	hashes, notices, err := mergeHashes(r, o, what)
	if err != nil {
		return r, err
	}
	n.Hashes = hashes
	n.Notices = append(n.Notices, notices...)
	hashesFromO := len(r.Hashes) == 0 && len(o.Hashes) > 0
	if hashesFromO || len(r.Hashes) == 0 && pinFromO {
		n.File, n.Line, n.Text = o.File, o.Line, o.Text
	}
	return n, nil
}

// mergeHashes is pip's Hashes.__and__ for sha256 pins: a side without
// pins allows every file, otherwise only the files both pin.
func mergeHashes(r, o Requirement, what string) ([]SHA256, []string, *ParseError) {
	switch {
	case len(o.Hashes) == 0:
		return r.Hashes, nil, nil
	case len(r.Hashes) == 0:
		return o.Hashes, nil, nil
	}
	var both []SHA256
	for _, h := range r.Hashes {
		if slices.Contains(o.Hashes, h) {
			both = append(both, h)
		}
	}
	if len(both) == 0 {
		return nil, nil, &ParseError{File: o.File, Line: o.Line,
			Msg: fmt.Sprintf("%s %q pins no file that %q (%s) pins: pip installs only a file whose hash every line pins", what, o.Text, r.Text, r.Source())}
	}
	var notices []string
	for _, side := range []Requirement{r, o} {
		for _, h := range side.Hashes {
			if !slices.Contains(both, h) {
				notices = append(notices, fmt.Sprintf("sha256:%s, pinned only at %s, is not checked: pip installs only files pinned on every line", h, side.Source()))
			}
		}
	}
	return both, notices, nil
}

// narrow returns r restricted by o's specifier, keeping r's name, source
// and text; pinFromO says o's specifier replaced r's.
func narrow(r, o Requirement, what string) (Requirement, bool, *ParseError) {
	if o.Specifier.IsEmpty() || r.Specifier.Equal(o.Specifier) {
		return r, false, nil
	}
	conflict := func() *ParseError {
		return &ParseError{File: o.File, Line: o.Line,
			Msg: fmt.Sprintf("%s %q conflicts with %q (%s)", what, o.Text, r.Text, r.Source())}
	}
	if r.Specifier.IsEmpty() {
		r.Specifier, r.Spec = o.Specifier, o.Spec
		return r, true, nil
	}
	rv, rPinned := r.Pinned()
	ov, oPinned := o.Specifier.Pinned()
	switch {
	case rPinned && oPinned:
		if !containsVersion(o.Specifier, rv) { // ==1.0 and ==1.0.0 are one pin
			return r, false, conflict()
		}
		return r, false, nil
	case rPinned:
		if !containsVersion(o.Specifier, rv) {
			return r, false, conflict()
		}
		return r, false, nil
	case oPinned:
		if !containsVersion(r.Specifier, ov) {
			return r, false, conflict()
		}
		r.Specifier, r.Spec = o.Specifier, o.Spec
		return r, true, nil
	}
	spec := r.Spec + "," + o.Spec
	set, err := ParseSpecifierSet(spec)
	if err != nil {
		return r, false, &ParseError{File: o.File, Line: o.Line, Msg: fmt.Sprintf("%s %q cannot be combined with %q: %v", what, o.Text, r.Text, err)}
	}
	r.Specifier, r.Spec = set, set.String()
	return r, false, nil
}

// containsVersion reports whether s admits the version v (pre-releases
// included: a pin names its version explicitly).
func containsVersion(s SpecifierSet, v string) bool {
	pv, err := ParseVersion(v)
	return err == nil && s.Contains(pv, true)
}

func unionHashes[T comparable](a, b []T) []T {
	out := slices.Clone(a)
	for _, h := range b {
		if !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}

func unionIdentities(a, b []Publisher) []Publisher {
	out := slices.Clone(a)
	for _, id := range b {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// markerKey is r's marker in normal form, so that `python_version<'3.9'`
// and `python_version < "3.9"` are one marker.
func markerKey(r Requirement) string {
	if !r.ParsedMarker.IsEmpty() {
		return r.ParsedMarker.String()
	}
	return strings.Join(strings.Fields(r.Marker), " ")
}
