package pypi

import (
	"fmt"
	"regexp"
	"strings"
)

// vcsSchemes are pip's version-control URL schemes (pip/_internal/vcs).
var vcsSchemes = []string{"git", "hg", "svn", "bzr"}

// isURL is pip's is_url: a scheme pip can fetch from, including VCS
// schemes such as "git+https".
func isURL(s string) bool {
	scheme, _, ok := strings.Cut(s, ":")
	if !ok {
		return false
	}
	scheme = strings.ToLower(scheme)
	switch scheme {
	case "http", "https", "file", "ftp":
		return true
	}
	vcs, _, _ := strings.Cut(scheme, "+")
	for _, v := range vcsSchemes {
		if vcs == v {
			return true
		}
	}
	return false
}

// urlReason classifies a URL for Requirement.Unsupported.
func urlReason(u string) string {
	scheme, _, _ := strings.Cut(strings.ToLower(u), ":")
	switch {
	case scheme == "file":
		return UnsupportedPath
	case scheme == "http" || scheme == "https" || scheme == "ftp":
		return UnsupportedURL
	}
	return UnsupportedVCS
}

// archiveExts are pip's archive extensions (is_archive_file): a requirement
// ending in one of them is a local file, even if it also looks like a name.
var archiveExts = []string{".whl", ".zip", ".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tlz", ".tar.lz", ".tar.lzma"}

var driveRE = regexp.MustCompile(`^[A-Za-z]:[/\\]`)

// looksLikePath is pip's _looks_like_path plus its archive check.
func looksLikePath(tok string) bool {
	if strings.ContainsAny(tok, `/\`) || strings.HasPrefix(tok, ".") || strings.HasPrefix(tok, "~") || driveRE.MatchString(tok) {
		return true
	}
	lower := strings.ToLower(tok)
	for _, ext := range archiveExts {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}

// nameFromURL returns the project name of a URL's "#egg=NAME" fragment or
// of a distribution filename at its end, or "".
func nameFromURL(u string) string {
	if _, frag, ok := strings.Cut(u, "#"); ok {
		for _, kv := range strings.Split(frag, "&") {
			if v, ok := strings.CutPrefix(kv, "egg="); ok {
				v, _, _ = strings.Cut(v, "[")
				if ValidName(v) {
					return v
				}
			}
		}
	}
	base := u
	if i := strings.IndexAny(base, "#?"); i >= 0 {
		base = base[:i]
	}
	base = base[strings.LastIndexAny(base, `/\`)+1:]
	if d, err := ParseDistFilename(base); err == nil {
		return d.Name
	}
	return ""
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?`)

// parseRequirementText parses a requirement without options: PEP 508
// "name [extras] specifier ; marker" or "name [extras] @ url ; marker", or
// pip's bare URL and path forms, which it returns as unsupported.
func parseRequirementText(text string) (Requirement, error) {
	r := Requirement{Text: RedactURL(text)}
	bad := func(format string, args ...any) (Requirement, error) {
		return Requirement{}, fmt.Errorf("invalid requirement %q: %s", text, fmt.Sprintf(format, args...))
	}
	if isURL(text) {
		// pip separates a bare URL from its marker with "; ".
		u, marker, hasMarker := strings.Cut(text, "; ")
		r.URL = strings.TrimSpace(u)
		if strings.ContainsAny(r.URL, " \t") {
			return bad("white space in URL %q", r.URL)
		}
		if hasMarker {
			if err := r.setMarker(marker); err != nil {
				return bad("%v", err)
			}
		}
		r.Unsupported = urlReason(r.URL)
		r.Name = nameFromURL(r.URL)
		return r, nil
	}

	name := nameRE.FindString(text)
	rest := strings.TrimLeft(text[len(name):], " \t")
	var extras []string
	hasExtras := false
	if name != "" && strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return bad("missing \"]\" after extras")
		}
		hasExtras = true
		if inner := strings.TrimSpace(rest[1:end]); inner != "" {
			for _, e := range strings.Split(inner, ",") {
				e = strings.TrimSpace(e)
				if !ValidName(e) {
					return bad("invalid extra %q", e)
				}
				extras = append(extras, e)
			}
		}
		rest = strings.TrimLeft(rest[end+1:], " \t")
	}

	if name != "" && strings.HasPrefix(rest, "@") {
		// PEP 508 URL form: name @ url [; marker].
		// The URL ends at white space (PEP 508: url wsp+ ";" marker), so
		// a ";" inside it is part of it, as in packaging.
		r.Name, r.Extras = name, extras
		u := strings.TrimSpace(rest[1:])
		after := ""
		if i := strings.IndexAny(u, " \t"); i >= 0 {
			u, after = u[:i], strings.TrimLeft(u[i:], " \t")
		}
		r.URL = u
		if r.URL == "" {
			return bad("want a URL after \"@\"")
		}
		marker, hasMarker := strings.CutPrefix(after, ";")
		if after != "" && !hasMarker {
			return bad("unexpected %q after the URL (want \"; marker\")", after)
		}
		if hasMarker {
			if err := r.setMarker(marker); err != nil {
				return bad("%v", err)
			}
		}
		if isURL(r.URL) {
			r.Unsupported = urlReason(r.URL)
		} else {
			r.Unsupported = UnsupportedPath
		}
		return r, nil
	}

	// pip's local paths: "./dir", "dir/", "pkg-1.0-py3-none-any.whl", "C:\x".
	first := text
	if i := strings.IndexAny(first, " \t;"); i >= 0 {
		first = first[:i]
	}
	if !hasExtras && looksLikePath(first) {
		p, marker, hasMarker := strings.Cut(text, ";")
		r.URL = strings.TrimSpace(p)
		if hasMarker {
			if err := r.setMarker(marker); err != nil {
				return bad("%v", err)
			}
		}
		r.Unsupported = UnsupportedPath
		r.Name = nameFromURL(r.URL)
		return r, nil
	}

	if name == "" {
		return bad("want a project name (letters, digits, \".\", \"_\", \"-\")")
	}
	r.Name, r.Extras = name, extras
	spec, marker, hasMarker := strings.Cut(rest, ";")
	if hasMarker {
		if err := r.setMarker(marker); err != nil {
			return bad("%v", err)
		}
	}
	spec = strings.TrimSpace(spec)
	if strings.HasPrefix(spec, "(") {
		if !strings.HasSuffix(spec, ")") {
			return bad("missing \")\" after version specifier")
		}
		spec = strings.TrimSpace(spec[1 : len(spec)-1])
	}
	if spec != "" && strings.IndexByte("<>=!~", spec[0]) < 0 {
		return bad("unexpected %q after the project name (want a specifier such as ==1.0, \"[extras]\", \"@ URL\" or \"; marker\")", spec)
	}
	set, err := ParseSpecifierSet(spec)
	if err != nil {
		return Requirement{}, err
	}
	r.Spec, r.Specifier = spec, set
	return r, nil
}

// setMarker parses the PEP 508 marker written after ";" into r; an
// invalid marker is an error, as in pip, and an empty one is no marker
// (pip reads "foo ;" as "foo").
func (r *Requirement) setMarker(text string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	m, err := ParseMarker(text)
	if err != nil {
		return err
	}
	r.Marker, r.ParsedMarker = text, m
	return nil
}
