package pypi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// SimpleMediaType is the Accept type of the PEP 691 JSON simple API.
const SimpleMediaType = "application/vnd.pypi.simple.v1+json"

// SimpleProject is a project's PEP 691 JSON simple page: every file of
// every release, each with what PEP 740 and PEP 714 add to it. Publisher
// continuity (issue #9) reads which earlier files are attested from it.
type SimpleProject struct {
	// Name is the project name as the page spells it.
	Name string
	// Versions are the project's versions as the index spells them (PEP
	// 700), or nil when the page does not list them.
	Versions []string
	// Files are the page's files in the page's order.
	Files []SimpleFile
}

// SimpleFile is one file of a PEP 691 project page.
type SimpleFile struct {
	Filename string
	URL      string // absolute http(s) URL of the bytes
	SHA256   SHA256 // "" when the page gives none (or a malformed one)
	Yanked   bool   // PEP 592
	// ProvenanceKnown is false when the page has no "provenance" key for
	// the file: the index does not say (it may not implement PEP 740).
	ProvenanceKnown bool
	// Provenance is the file's PEP 740 provenance URL, "" when the index
	// says it has none ("provenance": null).
	Provenance string
	// CoreMetadata: the index serves the file's METADATA (PEP 714
	// "core-metadata", PEP 658).
	CoreMetadata bool
	// UploadTime is PEP 700's "upload-time"; zero when the page gives
	// none or one that does not parse.
	UploadTime time.Time
}

// wire shape of PEP 691 (with PEP 740's provenance and PEP 714's
// core-metadata). "provenance" is decoded as raw JSON to tell a missing key
// from null.
type simpleFile struct {
	Filename     string            `json:"filename"`
	URL          string            `json:"url"`
	Hashes       map[string]string `json:"hashes"`
	Yanked       json.RawMessage   `json:"yanked"` // false, true or a reason
	Provenance   json.RawMessage   `json:"provenance"`
	CoreMetadata json.RawMessage   `json:"core-metadata"` // false, true or hashes
	UploadTime   string            `json:"upload-time"`   // PEP 700, ISO 8601
}

// Simple fetches GET <base>/simple/<normalised project>/ as PEP 691 JSON.
// The name is normalised first (PEP 503), so an index answers without a
// redirect. A 404 is ErrNotFound; a page that is not PEP 691 JSON (an index
// that serves only HTML) is a *DecodeError. Offline, the answer comes from
// the cache.
func (c *Client) Simple(ctx context.Context, project string) (*SimpleProject, error) {
	u, err := c.endpoint("simple", NormalizeName(project))
	if err != nil {
		return nil, err
	}
	u += "/"
	ctx, done := c.largeDoc(ctx)
	defer done()
	var sp *SimpleProject
	err = c.metadata(ctx, u, MaxJSONDocumentSize, ErrNotFound,
		func(cond *docMeta) (docAnswer, error) { return c.getSimple(ctx, u, cond) },
		func(data []byte, _ bool) (err error) { sp, err = decodeSimple(u, data); return err })
	if err != nil {
		return nil, err
	}
	return sp, nil
}

// getSimple fetches the page. An index that serves only HTML answers
// something that is not JSON, which decodeSimple refuses.
func (c *Client) getSimple(ctx context.Context, u string, cond *docMeta) (docAnswer, error) {
	ans, err := c.getDoc(ctx, u, SimpleMediaType, MaxJSONDocumentSize, cond)
	if isNotFound(err) {
		return ans, fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return ans, err
}

// decodeSimple decodes a PEP 691 project page fetched from docURL. The
// files are decoded one at a time into one reused value, so that a page
// with hundreds of thousands of entries costs its result, not a wire copy
// of each entry besides (issue #8: a hostile 16 MiB page cost ~300 MB).
func decodeSimple(docURL string, data []byte) (*SimpleProject, error) {
	if err := CheckStrictJSON(data); err != nil {
		return nil, &DecodeError{URL: docURL, Err: err}
	}
	out, err := decodeSimpleDoc(docURL, data)
	if err != nil {
		return nil, &DecodeError{URL: docURL, Err: err}
	}
	return out, nil
}

func decodeSimpleDoc(docURL string, data []byte) (*SimpleProject, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	var (
		meta *struct {
			APIVersion string `json:"api-version"`
		}
		out      = &SimpleProject{}
		hasFiles bool
	)
	for d.More() {
		kt, err := d.Token()
		if err != nil {
			return nil, err
		}
		switch kt {
		case "meta":
			err = d.Decode(&meta)
		case "name":
			err = d.Decode(&out.Name)
		case "versions":
			err = d.Decode(&out.Versions)
		case "files":
			hasFiles, err = decodeSimpleFiles(d, out)
		default:
			var skip json.RawMessage
			err = d.Decode(&skip)
		}
		if err != nil {
			return nil, err
		}
	}
	if meta == nil || !strings.HasPrefix(meta.APIVersion, "1.") {
		return nil, errors.New(`no PEP 691 "meta.api-version" 1.x`)
	}
	if !hasFiles {
		return nil, errors.New(`no "files" list`)
	}
	return out, nil
}

// decodeSimpleFiles decodes the "files" list into out.Files; false when it
// is null.
func decodeSimpleFiles(d *json.Decoder, out *SimpleProject) (bool, error) {
	tok, err := d.Token()
	switch {
	case err != nil:
		return false, err
	case tok == nil:
		return false, nil
	case tok != json.Delim('['):
		return false, errors.New(`"files" is not a list`)
	}
	out.Files = []SimpleFile{}
	hashes := map[string]string{}
	for i := 0; d.More(); i++ {
		clear(hashes)
		f := simpleFile{Hashes: hashes}
		if err := d.Decode(&f); err != nil {
			return false, fmt.Errorf("file %d: %w", i, err)
		}
		if f.Filename == "" || strings.ContainsAny(f.Filename, "/\\\x00") {
			return false, fmt.Errorf("file %d: missing or invalid filename", i)
		}
		sf := SimpleFile{Filename: f.Filename, URL: f.URL}
		// A malformed digest names no file: like none, the continuity
		// check then cannot use this file as a reference.
		sf.SHA256, _ = ParseSHA256(strings.ToLower(f.Hashes["sha256"]))
		sf.Yanked = truthy(f.Yanked)
		sf.CoreMetadata = truthy(f.CoreMetadata)
		if t, err := time.Parse(time.RFC3339Nano, f.UploadTime); err == nil {
			sf.UploadTime = t
		}
		if len(f.Provenance) > 0 {
			sf.ProvenanceKnown = true
			if string(f.Provenance) != "null" {
				var s string
				if err := json.Unmarshal(f.Provenance, &s); err != nil {
					return false, fmt.Errorf("%s: provenance is neither a URL nor null", f.Filename)
				}
				sf.Provenance = s
			}
		}
		out.Files = append(out.Files, sf)
	}
	_, err = d.Token() // ']'
	return true, err
}

// truthy reads a PEP 691 value that is false, true, a string (a yank
// reason) or an object (core-metadata hashes): anything but absent, null
// and false is true.
func truthy(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s != "" && s != "null" && s != "false"
}
