package pypitest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Stats counts what the server answered, for tests and the bench (issue
// #13: a warm run's conditional requests and 304s).
type Stats struct {
	Requests    int // every request received
	Conditional int // requests with If-None-Match or If-Modified-Since
	NotModified int // answered 304 Not Modified
	Files       int // requests for artifacts (/files/…)
}

// Stats returns the counts since the server started.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// SetMaxAge makes the metadata answers (JSON API, simple pages,
// provenance, and their 404s) carry "Cache-Control: max-age=" d, as
// pypi.org sends 10 minutes from the Integrity API. d < 0 (the default)
// sends no Cache-Control at all.
func (s *Server) SetMaxAge(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxAge = d
}

// SetValidators chooses which validators metadata answers carry: an ETag
// (the sha256 of the body) and a Last-Modified (the time the server first
// served that body at that path). Both are on by default.
func (s *Server) SetValidators(etag, lastModified bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noETag, s.noLastModified = !etag, !lastModified
}

// validate adds the caching headers to a metadata answer a for r and
// turns it into 304 Not Modified when r's conditions match (RFC 9110
// §13.2.2: If-None-Match takes precedence over If-Modified-Since). Other
// paths and statuses are left alone.
func (s *Server) validate(r *http.Request, a answer) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	if strings.HasPrefix(r.URL.Path, "/files/") || a.status != http.StatusOK && a.status != http.StatusNotFound {
		return a
	}
	if a.header == nil {
		a.header = http.Header{}
	}
	if s.maxAge >= 0 {
		a.header.Set("Cache-Control", "max-age="+strconv.Itoa(int(s.maxAge/time.Second)))
	}
	if a.status != http.StatusOK {
		return a
	}
	sum := sha256.Sum256(a.body)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	if s.modified == nil {
		s.modified = map[string]modified{}
	}
	m, ok := s.modified[r.URL.Path]
	if !ok || m.etag != etag {
		// A new body: modified now, and always later than the last one so
		// that If-Modified-Since sees the change within one second.
		t := time.Now().UTC().Truncate(time.Second)
		if ok && !t.After(m.at) {
			t = m.at.Add(time.Second)
		}
		m = modified{etag: etag, at: t}
		s.modified[r.URL.Path] = m
	}
	if !s.noETag {
		a.header.Set("ETag", etag)
	}
	if !s.noLastModified {
		a.header.Set("Last-Modified", m.at.Format(http.TimeFormat))
	}
	notModified := false
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		notModified = !s.noETag && etagMatch(inm, etag)
	} else if ims, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil {
		notModified = !s.noLastModified && !m.at.After(ims)
	}
	if notModified {
		s.stats.NotModified++
		return answer{status: http.StatusNotModified, header: a.header}
	}
	return a
}

// modified is when a path's current body was first served.
type modified struct {
	etag string
	at   time.Time
}

// etagMatch is RFC 9110's weak comparison of an If-None-Match list with
// etag.
func etagMatch(list, etag string) bool {
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}
