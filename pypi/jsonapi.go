package pypi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Project is a project as the JSON API's /pypi/<project>/json describes it.
type Project struct {
	// Name is the project name as the index spells it (info.name).
	Name string
	// Releases maps each version, spelled as the index spells it, to the
	// files of that release (possibly none).
	Releases map[string][]File
}

// Release is one release as /pypi/<project>/<version>/json describes it
// (SPEC §4.1).
type Release struct {
	Name         string // info.name, as the index spells it
	Version      string // info.version, as the index spells it
	Yanked       bool   // the release is yanked (PEP 592)
	YankedReason string // why, if the index says
	Files        []File // the release's files (the document's "urls")
	// RequiresDist is info.requires_dist: the release's dependencies as
	// PEP 508 strings, from the metadata of the first file uploaded. nil
	// (the JSON null) means none declared (issue #11).
	RequiresDist []string
}

// File is one distribution file of a release, as the JSON API lists it.
type File struct {
	Filename       string    // distribution filename
	URL            string    // absolute http(s) URL of the bytes
	PackageType    string    // "bdist_wheel", "sdist", ...
	Size           int64     // declared size in bytes (SPEC §9 cuts a download off beyond it)
	SHA256         SHA256    // declared sha256 (SPEC §4.1)
	RequiresPython string    // requires_python, "" if none
	Yanked         bool      // the file is yanked (PEP 592)
	YankedReason   string    // why, if the index says
	UploadTime     time.Time // upload_time_iso_8601; zero if the index gives none
	// CoreMetadata: the index serves the file's METADATA at URL +
	// ".metadata" (PEP 658, announced as core-metadata, PEP 714, or
	// data-dist-info-metadata); CoreMetadataSHA256 is its digest when the
	// index announces one.
	CoreMetadata       bool
	CoreMetadataSHA256 SHA256
}

// Project fetches GET <base>/pypi/<project>/json. A 404 is ErrNotFound.
// Offline, the answer comes from the cache (Options.Offline). The project is
// asked for by its PEP 503 name, or by the spelling a redirect named
// earlier in the run (see projectName).
func (c *Client) Project(ctx context.Context, project string) (*Project, error) {
	key, u, err := c.projectURL(project)
	if err != nil {
		return nil, err
	}
	ctx, done := c.largeDoc(ctx)
	defer done()
	var p *Project
	err = c.metadata(ctx, key, MaxJSONDocumentSize, ErrNotFound,
		func(cond *docMeta) (docAnswer, error) { return c.getJSON(ctx, u, project, cond) },
		func(data []byte, _ bool) (err error) { p, err = decodeProject(u, data); return err })
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Release fetches GET <base>/pypi/<project>/<version>/json (SPEC §4.1). A
// 404 (unknown project or version) is ErrNotFound. Offline, the answer comes
// from the cache (Options.Offline). The project is named as in Project.
func (c *Client) Release(ctx context.Context, project, version string) (*Release, error) {
	key, u, err := c.projectURL(project, version)
	if err != nil {
		return nil, err
	}
	ctx, done := c.largeDoc(ctx)
	defer done()
	var r *Release
	err = c.metadata(ctx, key, MaxJSONDocumentSize, ErrNotFound,
		func(cond *docMeta) (docAnswer, error) { return c.getJSON(ctx, u, project, cond) },
		func(data []byte, _ bool) (err error) { r, err = decodeRelease(u, data); return err })
	if err != nil {
		return nil, err
	}
	return r, nil
}

// projectURL returns the JSON API URL of project (and version, if given)
// twice: key names the project by its PEP 503 name, for the cache, so that
// every spelling shares one entry online and offline; u is what is sent,
// naming it by the spelling the index redirected to earlier in the run, if
// any, else also by its PEP 503 name (issue #13: 44% of requirements are
// spelled otherwise, and each cost pypi.org a redirect).
func (c *Client) projectURL(project string, version ...string) (key, u string, err error) {
	norm := NormalizeName(project)
	key, err = c.endpoint(append([]string{"pypi", norm}, append(version, "json")...)...)
	if err != nil {
		return "", "", err
	}
	c.namesMu.Lock()
	spelled, ok := c.names[norm]
	c.namesMu.Unlock()
	if !ok {
		return key, key, nil
	}
	u, err = c.endpoint(append([]string{"pypi", spelled}, append(version, "json")...)...)
	return key, u, err
}

// learnName remembers the spelling of project that the JSON API redirected
// to (Warehouse redirects to the project's own spelling, e.g. /pypi/django/…
// to /pypi/Django/…), so the run's later requests for it go there directly.
// Only a redirect within the index to the same project counts.
func (c *Client) learnName(project string, final *url.URL) {
	if final == nil || originOf(final) != c.origin {
		return
	}
	rest, ok := strings.CutPrefix(final.EscapedPath(), c.base.EscapedPath()+"/pypi/")
	if !ok {
		return
	}
	seg, _, _ := strings.Cut(rest, "/")
	spelled, err := url.PathUnescape(seg)
	norm := NormalizeName(project)
	if err != nil || spelled == "" || NormalizeName(spelled) != norm {
		return
	}
	c.namesMu.Lock()
	defer c.namesMu.Unlock()
	if c.names[norm] != spelled {
		c.logf("%s: the index spells it %s", project, spelled)
		c.names[norm] = spelled
	}
}

func (c *Client) getJSON(ctx context.Context, u, project string, cond *docMeta) (docAnswer, error) {
	ans, err := c.getDoc(ctx, u, "application/json", MaxJSONDocumentSize, cond)
	if ans.final != nil && ans.final.String() != u {
		c.learnName(project, ans.final)
	}
	if isNotFound(err) {
		return ans, fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return ans, err
}

// isNotFound reports a 404 answer (never a network error: 404 is not
// retried).
func isNotFound(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && se.Code == http.StatusNotFound && !IsNetwork(err)
}

// wire types: only the fields we use. Unknown fields are ignored, as the
// JSON API adds fields over time.
type jsonInfo struct {
	Name         string   `json:"name"`
	Version      string   `json:"version"`
	Yanked       bool     `json:"yanked"`
	YankedReason *string  `json:"yanked_reason"`
	RequiresDist []string `json:"requires_dist"`
}

type jsonFile struct {
	Filename       string            `json:"filename"`
	URL            string            `json:"url"`
	PackageType    string            `json:"packagetype"`
	Size           *int64            `json:"size"`
	Digests        map[string]string `json:"digests"`
	RequiresPython *string           `json:"requires_python"`
	Yanked         bool              `json:"yanked"`
	YankedReason   *string           `json:"yanked_reason"`
	UploadTime     string            `json:"upload_time_iso_8601"`
	// PEP 658 metadata: false, or the metadata file's hashes. Warehouse
	// sends both spellings (PEP 714 renamed it).
	CoreMetadata     json.RawMessage `json:"core-metadata"`
	DistInfoMetadata json.RawMessage `json:"data-dist-info-metadata"`
}

type jsonRelease struct {
	Info *jsonInfo   `json:"info"`
	URLs []*jsonFile `json:"urls"`
}

type jsonProject struct {
	Info     *jsonInfo              `json:"info"`
	Releases map[string][]*jsonFile `json:"releases"`
}

// decodeRelease decodes a /pypi/<p>/<v>/json document fetched from docURL.
// Any problem is a *DecodeError naming docURL; a document that repeats an
// object key is one (issue #8: last-wins decoding would let it say two
// things).
func decodeRelease(docURL string, data []byte) (*Release, error) {
	if err := CheckStrictJSON(data); err != nil {
		return nil, &DecodeError{URL: docURL, Err: err}
	}
	var doc jsonRelease
	if err := unmarshal(data, &doc); err != nil {
		return nil, &DecodeError{URL: docURL, Err: err}
	}
	if doc.Info == nil {
		return nil, &DecodeError{URL: docURL, Err: errors.New(`no "info" object`)}
	}
	if doc.Info.Name == "" || doc.Info.Version == "" {
		return nil, &DecodeError{URL: docURL, Err: errors.New("info.name or info.version is empty")}
	}
	if doc.URLs == nil {
		return nil, &DecodeError{URL: docURL, Err: errors.New(`no "urls" list`)}
	}
	files, err := convertFiles(docURL, doc.URLs)
	if err != nil {
		return nil, &DecodeError{URL: docURL, Err: err}
	}
	return &Release{
		Name:         doc.Info.Name,
		Version:      doc.Info.Version,
		Yanked:       doc.Info.Yanked,
		YankedReason: deref(doc.Info.YankedReason),
		Files:        files,
		RequiresDist: doc.Info.RequiresDist,
	}, nil
}

// decodeProject decodes a /pypi/<p>/json document fetched from docURL.
func decodeProject(docURL string, data []byte) (*Project, error) {
	if err := CheckStrictJSON(data); err != nil {
		return nil, &DecodeError{URL: docURL, Err: err}
	}
	var doc jsonProject
	if err := unmarshal(data, &doc); err != nil {
		return nil, &DecodeError{URL: docURL, Err: err}
	}
	if doc.Info == nil || doc.Info.Name == "" {
		return nil, &DecodeError{URL: docURL, Err: errors.New(`no "info.name"`)}
	}
	if doc.Releases == nil {
		return nil, &DecodeError{URL: docURL, Err: errors.New(`no "releases" object`)}
	}
	p := &Project{Name: doc.Info.Name, Releases: make(map[string][]File, len(doc.Releases))}
	for v, fs := range doc.Releases {
		if v == "" {
			return nil, &DecodeError{URL: docURL, Err: errors.New("release with an empty version")}
		}
		files, err := convertFiles(docURL, fs)
		if err != nil {
			return nil, &DecodeError{URL: docURL, Err: fmt.Errorf("release %q: %w", v, err)}
		}
		p.Releases[v] = files
	}
	return p, nil
}

func unmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("data after the JSON document")
	}
	return nil
}

// convertFiles validates the file entries: a file we could not check
// (no filename, no usable URL, no sha256) must not slip through as if it
// were absent, so it makes the whole document invalid (no silent failure).
func convertFiles(docURL string, in []*jsonFile) ([]File, error) {
	base, err := url.Parse(docURL)
	if err != nil {
		return nil, err
	}
	out := make([]File, 0, len(in))
	for i, jf := range in {
		if jf == nil {
			return nil, fmt.Errorf("file %d: null", i)
		}
		if jf.Filename == "" || strings.ContainsAny(jf.Filename, "/\\\x00") {
			return nil, fmt.Errorf("file %d: invalid filename %q", i, jf.Filename)
		}
		f := File{
			Filename:       jf.Filename,
			PackageType:    jf.PackageType,
			RequiresPython: deref(jf.RequiresPython),
			Yanked:         jf.Yanked,
			YankedReason:   deref(jf.YankedReason),
		}
		if jf.Size == nil || *jf.Size < 0 {
			return nil, fmt.Errorf("%s: missing or negative size", jf.Filename)
		}
		f.Size = *jf.Size
		var err error
		if f.SHA256, err = ParseSHA256(strings.ToLower(jf.Digests["sha256"])); err != nil {
			return nil, fmt.Errorf("%s: missing or malformed sha256 digest %q", jf.Filename, jf.Digests["sha256"])
		}
		ref, err := url.Parse(jf.URL)
		if err != nil || jf.URL == "" {
			return nil, fmt.Errorf("%s: invalid url %q", jf.Filename, jf.URL)
		}
		abs := base.ResolveReference(ref) // private indexes may use relative URLs
		if abs.Scheme != "http" && abs.Scheme != "https" || abs.Host == "" {
			return nil, fmt.Errorf("%s: url %q is not http(s)", jf.Filename, jf.URL)
		}
		f.URL = abs.String()
		meta := jf.CoreMetadata
		if len(meta) == 0 {
			meta = jf.DistInfoMetadata
		}
		if f.CoreMetadata, f.CoreMetadataSHA256, err = coreMetadata(meta); err != nil {
			return nil, fmt.Errorf("%s: core-metadata: %w", jf.Filename, err)
		}
		if jf.UploadTime != "" {
			t, err := time.Parse(time.RFC3339Nano, jf.UploadTime)
			if err != nil {
				return nil, fmt.Errorf("%s: upload_time_iso_8601: %w", jf.Filename, err)
			}
			f.UploadTime = t
		}
		out = append(out, f)
	}
	return out, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// coreMetadata reads a PEP 658/714 value: absent, null or false (no
// metadata file), true (served, no digest) or an object of hashes, whose
// sha256, when present, must be a digest.
func coreMetadata(raw json.RawMessage) (bool, SHA256, error) {
	if !truthy(raw) {
		return false, "", nil
	}
	if strings.TrimSpace(string(raw)) == "true" {
		return true, "", nil
	}
	var hashes map[string]string
	if err := json.Unmarshal(raw, &hashes); err != nil {
		return false, "", errors.New("neither a boolean nor an object of hashes")
	}
	sum, ok := hashes["sha256"]
	if !ok {
		return true, "", nil
	}
	d, err := ParseSHA256(strings.ToLower(sum))
	if err != nil {
		return false, "", fmt.Errorf("malformed sha256 digest %q", sum)
	}
	return true, d, nil
}
