package pypitest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
)

// SimpleMediaType is PEP 691's JSON media type.
const SimpleMediaType = "application/vnd.pypi.simple.v1+json"

// simpleFile is one file of a PEP 691 page, with PEP 740's provenance
// (a URL, or null when the file has none) and PEP 714's core-metadata.
type simpleFile struct {
	Filename     string            `json:"filename"`
	URL          string            `json:"url"`
	Hashes       map[string]string `json:"hashes"`
	Yanked       any               `json:"yanked"`
	Provenance   *string           `json:"provenance"`
	CoreMetadata bool              `json:"core-metadata"`
	UploadTime   string            `json:"upload-time"`
}

// simplePage answers GET /simple/<project>/ with the PEP 691 JSON page
// of every release's files, as pypi.org serves it when asked for
// application/vnd.pypi.simple.v1+json. Releases are listed in version
// order, each release's files in the order the index holds them.
func (s *Server) simplePage(r *http.Request, name string) answer {
	p, _, a := s.find(r, name, "", "", false)
	if a != nil {
		return *a
	}
	var versions []string
	for v := range p.versions {
		versions = append(versions, v)
	}
	slices.SortFunc(versions, func(a, b string) int {
		switch {
		case versionLess(a, b):
			return -1
		case versionLess(b, a):
			return 1
		}
		return 0
	})
	files := []simpleFile{}
	for _, v := range versions {
		reason, yanked := p.yanked[v]
		for _, f := range p.versions[v] {
			sum := sha256.Sum256(f.Content)
			sf := simpleFile{
				Filename: f.Filename,
				URL:      s.URL() + "/files/" + url.PathEscape(p.name) + "/" + url.PathEscape(v) + "/" + url.PathEscape(f.Filename),
				Hashes:   map[string]string{"sha256": hex.EncodeToString(sum[:])},
				Yanked:   false,
			}
			ut := f.UploadTime
			if ut.IsZero() {
				ut = DefaultUploadTime
			}
			sf.UploadTime = ut.UTC().Format("2006-01-02T15:04:05.000000Z")
			sf.CoreMetadata = f.metadata() != nil
			if yanked {
				sf.Yanked = true
				if reason != "" {
					sf.Yanked = reason
				}
			}
			if f.Publisher != nil || f.Provenance != nil {
				u := s.URL() + "/integrity/" + url.PathEscape(p.name) + "/" + url.PathEscape(v) + "/" + url.PathEscape(f.Filename) + "/provenance"
				sf.Provenance = &u
			}
			files = append(files, sf)
		}
	}
	body, err := json.Marshal(map[string]any{
		"meta":     map[string]string{"api-version": "1.3"},
		"name":     normalize(p.name),
		"files":    files,
		"versions": versions,
	})
	if err != nil {
		return text(http.StatusInternalServerError, err.Error())
	}
	return answer{status: http.StatusOK, header: http.Header{"Content-Type": {SimpleMediaType}}, body: body}
}
