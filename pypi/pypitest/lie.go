package pypitest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
)

// Lie makes the server answer for one release with something other than
// it holds, as a hostile index or mirror would (issue #8). Fields combine.
type Lie struct {
	// FilesOf lists the files of another release, "project/version", in
	// place of the release's own. Their provenance is served under the
	// requested release's Integrity API path too, so that it is genuine
	// provenance of the foreign files.
	FilesOf string
	// InfoName and InfoVersion replace info.name and info.version when
	// not empty.
	InfoName, InfoVersion string
	// Duplicates lists, after a file of the given name, a second entry of
	// the same name whose digest and size are those of the given bytes and
	// whose URL serves them.
	Duplicates map[string][]byte
}

// Lie installs l for project's release version (the names as requested).
func (s *Server) Lie(project, version string, l Lie) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lies == nil {
		s.lies = map[string]Lie{}
	}
	s.lies[normalize(project)+"/"+version] = l
}

func (s *Server) lieFor(project, version string) (Lie, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.lies[normalize(project)+"/"+version]
	return l, ok
}

// lieRelease rewrites a release document's info and files as the lie for
// (name, version) says.
func (s *Server) lieRelease(r *http.Request, name, version string, info *jsonInfo, files []jsonFile) []jsonFile {
	l, ok := s.lieFor(name, version)
	if !ok {
		return files
	}
	if l.InfoName != "" {
		info.Name = l.InfoName
	}
	if l.InfoVersion != "" {
		info.Version = l.InfoVersion
	}
	if l.FilesOf != "" {
		op, ov, _ := strings.Cut(l.FilesOf, "/")
		p, _, a := s.find(r, op, ov, "", true)
		if a != nil {
			return files
		}
		files = s.files(p, ov)
	}
	var out []jsonFile
	for _, f := range files {
		out = append(out, f)
		if b, ok := l.Duplicates[f.Filename]; ok {
			sum := sha256.Sum256(b)
			f.Digests = map[string]string{"sha256": hex.EncodeToString(sum[:])}
			f.Size = len(b)
			f.URL += "?copy=1"
			out = append(out, f)
		}
	}
	return out
}

// lieProvenance finds the file a lie lists under (name, version) in the
// release it borrowed its files from.
func (s *Server) lieProvenance(r *http.Request, name, version, filename string) (*project, *ModelFile, string, bool) {
	l, ok := s.lieFor(name, version)
	if !ok || l.FilesOf == "" {
		return nil, nil, "", false
	}
	op, ov, _ := strings.Cut(l.FilesOf, "/")
	p, f, a := s.find(r, op, ov, filename, false)
	if a != nil {
		return nil, nil, "", false
	}
	return p, f, ov, true
}

// lieCopy answers a download of a duplicate entry's bytes.
func (s *Server) lieCopy(r *http.Request, name, version, filename string) (answer, bool) {
	if r.URL.Query().Get("copy") != "1" {
		return answer{}, false
	}
	l, ok := s.lieFor(name, version)
	b, dup := l.Duplicates[filename]
	if !ok || !dup {
		return answer{}, false
	}
	return answer{status: http.StatusOK, header: http.Header{"Content-Type": {"application/octet-stream"}}, body: b}, true
}
