package pypi

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// UnsupportedNoVersion is a PEP 751 lock entry that records no version (a
// source tree whose version may change), so nothing can be pinned against
// the index (SPEC §3: reported as unsupported-requirement, never dropped).
const UnsupportedNoVersion = "lock entry without a version"

// pylockNameRE is PEP 751's file name rule: pylock.toml or pylock.NAME.toml.
var pylockNameRE = regexp.MustCompile(`^pylock\.([^.]+\.)?toml$`)

// IsPylockName reports whether the base name of name is a PEP 751 lock
// file name, pylock.toml or pylock.NAME.toml (the specification's
// `^pylock\.([^.]+\.)?toml$`), so that callers can pick ParsePylock over
// ParseRequirements.
func IsPylockName(name string) bool {
	return pylockNameRE.MatchString(path.Base(strings.ReplaceAll(name, `\`, "/")))
}

// ParsePylock parses the PEP 751 lock file name in fsys (pylock.toml, as
// written by `uv export --format pylock.toml` or `pip lock`) into one
// Requirement per [[packages]] entry, in file order (SPEC §3). An entry with
// a version and sdist/wheels becomes "name==version" whose Hashes are the
// sha256 digests of every locked file, so the engine checks exactly those
// files; its Marker is the entry's marker, and File and Line locate its
// [[packages]] header. Entries from a VCS, a directory or an archive, and
// entries without a version, are returned as unsupported, never dropped.
// Only RequirementsFile.Requirements is filled: a lock has no constraints
// or pip options.
//
// Errors name FILE:LINE as *ParseError, or ParseErrors when several entries
// are wrong; the result is then nil: invalid TOML, a lock-version whose
// major version is not 1, a missing created-by or packages, environments
// that are not PEP 508 markers, an entry without a valid name, with no
// source or with conflicting sources, a vcs or archive with neither path
// nor url, an invalid marker, a version that is not PEP 440, and an sdist
// or wheel without a sha256 hash (as packaging.pylock refuses them, but
// for sdists and wheels without path or url, whose hashes suffice here).
// Each Requirement's ParsedMarker is its entry's marker.
func ParsePylock(fsys fs.FS, name string) (*RequirementsFile, error) {
	data, err := readRequirementsFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read lock file: %w", err)
	}
	p := &lockParser{file: name}
	reqs := p.parse(data)
	switch len(p.errs) {
	case 0:
		return &RequirementsFile{Requirements: reqs}, nil
	case 1:
		return nil, p.errs[0]
	}
	return nil, p.errs
}

type lockParser struct {
	file string
	errs ParseErrors
}

func (p *lockParser) errorf(line int, format string, args ...any) {
	p.errs = append(p.errs, &ParseError{File: p.file, Line: max(line, 1), Msg: fmt.Sprintf(format, args...)})
}

// lockPositions are the lines the generic TOML decoder does not keep.
type lockPositions struct {
	keys     map[string]int // top-level keys
	packages []int          // each packages entry, in order
}

func (lp *lockPositions) pkg(i int) int {
	if i < len(lp.packages) {
		return lp.packages[i]
	}
	return max(lp.keys["packages"], 1)
}

func (p *lockParser) parse(data []byte) []Requirement {
	if line, bad := invalidUTF8(data); line > 0 {
		p.errorf(line, "the file is not UTF-8 (invalid byte 0x%02x): TOML files are UTF-8", bad)
		return nil
	}
	doc, root, err := ParseTOML(data)
	if err != nil {
		p.tomlError(err)
		return nil
	}
	lp := lockPositionsOf(root)

	lv, ok := doc["lock-version"]
	switch s, isStr := lv.(string); {
	case !ok:
		p.errorf(1, "missing lock-version: not a PEP 751 lock file")
	case !isStr:
		p.errorf(lp.keys["lock-version"], "lock-version must be a string, not %s", tomlType(lv))
	case strings.SplitN(s, ".", 2)[0] != "1":
		// PEP 751: a tool MUST raise an error for a major version it does
		// not support; a newer minor version only deserves a warning.
		p.errorf(lp.keys["lock-version"], "unsupported lock-version %q: pyverify reads version 1.x lock files", s)
	}
	if len(p.errs) > 0 {
		return nil
	}

	// packaging.pylock (>= 25) refuses a lock without created-by or
	// packages; an environment that is not a valid marker would make
	// every installer fail on it.
	switch cb, ok := doc["created-by"]; {
	case !ok:
		p.errorf(1, "missing created-by: PEP 751 requires the name of the tool that wrote the lock")
	case !isString(cb):
		p.errorf(lp.keys["created-by"], "created-by must be a string, not %s", tomlType(cb))
	}
	if envs, ok := doc["environments"]; ok {
		arr, isArr := envs.([]any)
		if !isArr {
			p.errorf(lp.keys["environments"], "environments must be an array of strings, not %s", tomlType(envs))
		}
		for i, e := range arr {
			s, isStr := e.(string)
			if !isStr {
				p.errorf(lp.keys["environments"], "environments entry %d must be a string (a PEP 508 marker), not %s", i+1, tomlType(e))
				continue
			}
			if _, err := ParseMarker(s); err != nil {
				p.errorf(lp.keys["environments"], "environments entry %d: %v", i+1, err)
			}
		}
	}
	raw, ok := doc["packages"]
	if !ok {
		p.errorf(1, "missing packages: PEP 751 requires a packages array (it may be empty)")
		return nil
	}
	pkgs, ok := raw.([]any)
	if !ok {
		p.errorf(lp.keys["packages"], "packages must be an array of tables, not %s", tomlType(raw))
		return nil
	}
	var reqs []Requirement
	for i, e := range pkgs {
		line := lp.pkg(i)
		m, ok := e.(map[string]any)
		if !ok {
			p.errorf(line, "packages entry %d must be a table, not %s", i+1, tomlType(e))
			continue
		}
		if r, ok := p.pkg(m, i, line); ok {
			reqs = append(reqs, r)
		}
	}
	return reqs
}

// pkg converts one packages entry; ok is false when it had errors.
func (p *lockParser) pkg(m map[string]any, i, line int) (Requirement, bool) {
	nerr := len(p.errs)
	what := fmt.Sprintf("packages entry %d", i+1)
	name, has := p.str(m, "name", what, line)
	switch {
	case !has && len(p.errs) == nerr:
		p.errorf(line, "%s has no name", what)
		return Requirement{}, false
	case !has:
		return Requirement{}, false
	case !ValidName(name):
		p.errorf(line, "%s: invalid package name %q", what, name)
		return Requirement{}, false
	}
	what = fmt.Sprintf("package %q", name)
	version, hasVersion := p.str(m, "version", what, line)
	marker, _ := p.str(m, "marker", what, line)
	// packages.index names the index the entry was locked from. It is not
	// compared here: pypi does not know which index is audited, and the
	// engine checks every entry against the CLI's index, where a package
	// from another index shows as not-found or pin-not-published rather
	// than passing silently.
	p.str(m, "index", what, line)

	r := Requirement{Name: name, Marker: marker, File: p.file, Line: line, Text: name}
	if marker != "" {
		m, err := ParseMarker(marker)
		if err != nil {
			p.errorf(line, "%s: %v", what, err)
		}
		r.ParsedMarker = m
	}
	r.AttestationIdentities = p.identities(m, what, line)
	var sources []string
	for _, k := range []string{"vcs", "directory", "archive", "sdist", "wheels"} {
		if _, ok := m[k]; ok {
			sources = append(sources, k)
		}
	}
	exclusive := slices.ContainsFunc(sources, func(s string) bool { return s == "vcs" || s == "directory" || s == "archive" })
	switch {
	case len(sources) == 0:
		p.errorf(line, "%s has no source (vcs, directory, archive, sdist or wheels)", what)
	case exclusive && len(sources) > 1:
		p.errorf(line, "%s has both %s and %s: PEP 751 allows only one of vcs, directory, archive, or sdist/wheels", what, sources[0], sources[1])
	case sources[0] == "vcs":
		r.URL = p.location(m["vcs"], "vcs", what, line)
		r.Unsupported = UnsupportedVCS
	case sources[0] == "directory":
		r.URL = p.location(m["directory"], "directory", what, line)
		r.Unsupported = UnsupportedPath
	case sources[0] == "archive":
		r.URL = p.location(m["archive"], "archive", what, line)
		r.Unsupported = UnsupportedURL
		if t, ok := m["archive"].(map[string]any); ok {
			if _, isURL := t["url"]; !isURL {
				r.Unsupported = UnsupportedPath
			}
		}
	default:
		if sd, ok := m["sdist"]; ok {
			p.hashes(&r, sd, what+" sdist", line)
		}
		if ws, ok := m["wheels"]; ok {
			arr, isArr := ws.([]any)
			if !isArr {
				p.errorf(line, "%s: wheels must be an array of tables, not %s", what, tomlType(ws))
			}
			for j, w := range arr {
				p.hashes(&r, w, fmt.Sprintf("%s wheel %d", what, j+1), line)
			}
		}
	}
	switch {
	case r.URL != "":
		r.Text = name + " @ " + RedactURL(r.URL)
	case hasVersion:
		r.Spec = "==" + version
		r.Text = name + "==" + version
	}
	if hasVersion {
		// A lock records one exact PEP 440 version: "2.*" or "1, <2" would
		// parse as a specifier set but pin nothing.
		spec, err := ParseSpecifierSet("==" + version)
		if _, verr := ParseVersion(version); verr != nil {
			err = verr
		}
		if err != nil {
			p.errorf(line, "%s: invalid version %q: %v", what, version, err)
		} else if r.Unsupported == "" {
			r.Specifier = spec
		}
	} else if r.Unsupported == "" {
		r.Unsupported = UnsupportedNoVersion
	}
	return r, len(p.errs) == nerr
}

// location is the url (or else path) of a vcs, directory or archive table.
func (p *lockParser) location(v any, key, what string, line int) string {
	t, ok := v.(map[string]any)
	if !ok {
		p.errorf(line, "%s: %s must be a table, not %s", what, key, tomlType(v))
		return ""
	}
	where := what + " " + key
	u, hasURL := p.str(t, "url", where, line)
	pth, hasPath := p.str(t, "path", where, line)
	switch {
	case u != "":
		return u
	case pth != "":
		return pth
	case !hasURL && !hasPath && key != "directory":
		// PEP 751 and packaging: a vcs or archive says where it is.
		p.errorf(line, "%s has neither path nor url", where)
	}
	return key
}

// hashes appends the sha256 of one sdist or wheel table v to r.Hashes.
func (p *lockParser) hashes(r *Requirement, v any, what string, line int) {
	t, ok := v.(map[string]any)
	if !ok {
		p.errorf(line, "%s must be a table, not %s", what, tomlType(v))
		return
	}
	if n, ok := p.str(t, "name", what, line); ok {
		what += " (" + n + ")"
	} else if u, ok := p.str(t, "url", what, line); ok {
		what += " (" + path.Base(u) + ")"
	}
	hv, ok := t["hashes"]
	if !ok {
		p.errorf(line, "%s has no hashes: a locked file needs a sha256 hash", what)
		return
	}
	h, ok := hv.(map[string]any)
	if !ok {
		p.errorf(line, "%s: hashes must be a table, not %s", what, tomlType(hv))
		return
	}
	s, ok := p.str(h, "sha256", what+" hashes", line)
	if !ok {
		if _, present := h["sha256"]; !present {
			p.errorf(line, "%s has no sha256 hash (pyverify checks sha256 digests)", what)
		}
		return
	}
	s = strings.ToLower(s)
	d, err := ParseSHA256(s)
	if err != nil {
		p.errorf(line, "%s: invalid sha256 hash %q: want 64 hexadecimal digits", what, s)
		return
	}
	if !slices.Contains(r.Hashes, d) {
		r.Hashes = append(r.Hashes, d)
	}
}

func isString(v any) bool {
	_, ok := v.(string)
	return ok
}

// str returns the string value of key in t; a value of another type is an
// error at line.
func (p *lockParser) str(t map[string]any, key, what string, line int) (string, bool) {
	v, ok := t[key]
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		p.errorf(line, "%s: %s must be a string, not %s", what, key, tomlType(v))
		return "", false
	}
	return s, true
}

// tomlType names the TOML type of a decoded value for messages.
func tomlType(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	}
	return "a date/time"
}

// invalidUTF8 returns the 1-based line and value of the first byte of data
// that is not UTF-8 (TOML files are UTF-8 only), or line 0.
func invalidUTF8(data []byte) (line int, bad byte) {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return 1 + bytes.Count(data[:i], []byte("\n")), data[i]
		}
		i += size
	}
	return 0, 0
}

// tomlError reports a ParseTOML error at its line.
func (p *lockParser) tomlError(err error) {
	line, msg := 1, err.Error()
	var te *TOMLError
	if errors.As(err, &te) {
		line, msg = te.Pos.Line, te.Msg
	}
	p.errorf(line, "invalid TOML: %s", strings.TrimPrefix(msg, "toml: "))
}

// lockPositionsOf reads from the positioned tree the lines of top-level
// keys and of each packages entry: a [[packages]] header, or an inline
// table in a top-level `packages = [...]` array.
func lockPositionsOf(root *TOMLValue) *lockPositions {
	lp := &lockPositions{keys: map[string]int{}}
	for _, k := range root.Names {
		lp.keys[k] = root.Fields[k].Key.Line
	}
	if v := root.Fields["packages"]; v != nil && v.Kind == TOMLArray {
		for _, e := range v.Elems {
			lp.packages = append(lp.packages, e.Where().Line)
		}
	}
	return lp
}

// identities reads [[packages.attestation-identities]] (PEP 751): the
// Trusted Publishers expected to have attested the package's files. Every
// identity needs a kind; its other fields are strings.
func (p *lockParser) identities(m map[string]any, what string, line int) []Publisher {
	v, ok := m["attestation-identities"]
	if !ok {
		return nil
	}
	arr, ok := v.([]any)
	if !ok {
		p.errorf(line, "%s: attestation-identities must be an array of tables, not %s", what, tomlType(v))
		return nil
	}
	var ids []Publisher
	for j, e := range arr {
		t, ok := e.(map[string]any)
		w := fmt.Sprintf("%s attestation identity %d", what, j+1)
		if !ok {
			p.errorf(line, "%s must be a table, not %s", w, tomlType(e))
			continue
		}
		for k := range t {
			if !slices.Contains([]string{"kind", "repository", "workflow", "workflow_filepath", "environment", "email"}, k) {
				// An ignored key would leave the identity wider than written:
				// an empty field matches any publisher.
				p.errorf(line, "%s: unknown key %q (kind, repository, workflow, workflow_filepath, environment, email)", w, k)
			}
		}
		var id Publisher
		id.Kind, _ = p.str(t, "kind", w, line)
		id.Repository, _ = p.str(t, "repository", w, line)
		id.Workflow, _ = p.str(t, "workflow", w, line)
		if wf, ok := p.str(t, "workflow_filepath", w, line); ok && id.Workflow == "" {
			id.Workflow = wf
		}
		id.Environment, _ = p.str(t, "environment", w, line)
		id.Email, _ = p.str(t, "email", w, line)
		switch {
		case id.Kind == "":
			p.errorf(line, "%s has no kind", w)
			continue
		case id.Repository == "" && id.Email == "":
			p.errorf(line, "%s names no repository or email: it would match any %s publisher", w, id.Kind)
			continue
		}
		ids = append(ids, id)
	}
	return ids
}
