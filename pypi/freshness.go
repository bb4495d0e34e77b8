package pypi

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// docMeta is what the cache keeps of a metadata answer besides its body
// (issue #13): the validators a conditional request sends back (RFC 9110
// §13.1) and the freshness the index granted (RFC 9111 §4.2). We are a
// private cache, so s-maxage and public/private do not matter; no
// freshness is ever guessed (no heuristic from Last-Modified): a document
// without max-age or Expires is revalidated on every use, since a yank or
// a provenance change must be seen.
type docMeta struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	// Date is when the answer was generated, by our clock: when its
	// request was sent, less the Age a cache on the way reported. The
	// index's Date header is never compared with our clock, so a skewed
	// clock on either side cannot make every document stale or fresh.
	Date time.Time `json:"date"`
	// MaxAge is the freshness lifetime; ≤ 0 means revalidate on every use.
	MaxAge time.Duration `json:"max_age"`

	explicit bool // the answer carried Cache-Control or Expires (see update)
}

// maxValidator bounds a stored ETag or Last-Modified: longer ones, which
// no real index sends, are not kept, and the next request is unconditional.
const maxValidator = 1 << 10

// parseMeta reads the caching headers of an answer to a request sent at
// sent (RFC 9111 §4.2.1, §4.2.3).
func parseMeta(h http.Header, sent time.Time) docMeta {
	m := docMeta{ETag: h.Get("ETag"), LastModified: h.Get("Last-Modified"), Date: sent}
	if len(m.ETag) > maxValidator || len(m.LastModified) > maxValidator {
		m.ETag, m.LastModified = "", ""
	}
	if age, err := strconv.ParseInt(strings.TrimSpace(h.Get("Age")), 10, 32); err == nil && age > 0 {
		m.Date = sent.Add(-time.Duration(age) * time.Second)
	}
	m.MaxAge, m.explicit = lifetime(h)
	return m
}

// lifetime is the freshness lifetime the headers grant: Cache-Control
// max-age, else Expires − Date (both the server's clock). no-cache,
// no-store, conflicting max-ages and invalid values grant none (RFC 9111
// §4.2.1: treat as stale). explicit is false when neither header is sent.
func lifetime(h http.Header) (d time.Duration, explicit bool) {
	if cc := h.Values("Cache-Control"); len(cc) > 0 {
		maxAge, seen := time.Duration(-1), false
		for _, dir := range strings.Split(strings.Join(cc, ","), ",") {
			name, val, _ := strings.Cut(strings.TrimSpace(dir), "=")
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "no-cache", "no-store":
				return 0, true
			case "max-age":
				secs, err := strconv.ParseInt(strings.Trim(strings.TrimSpace(val), `"`), 10, 64)
				v := time.Duration(min(max(secs, 0), int64(MaxFreshness/time.Second))) * time.Second
				if err != nil || seen && v != maxAge {
					return 0, true
				}
				maxAge, seen = v, true
			}
		}
		if seen {
			return maxAge, true
		}
	}
	exp := h.Get("Expires")
	if exp == "" {
		return 0, false
	}
	e, err1 := http.ParseTime(exp)
	d0, err2 := http.ParseTime(h.Get("Date"))
	if err1 != nil || err2 != nil || !e.After(d0) {
		return 0, true
	}
	return min(e.Sub(d0), MaxFreshness), true
}

// fresh reports whether the stored answer may be used at now without
// asking the index.
func (m docMeta) fresh(now time.Time) bool {
	return m.MaxAge > 0 && !now.Before(m.Date) && now.Before(m.Date.Add(m.MaxAge))
}

// update is the stored meta after a 304 answer n (RFC 9111 §4.3.4): the
// 304's validators and freshness replace the stored ones where it sends
// them; without Cache-Control or Expires the stored lifetime runs again
// from the 304.
func (m docMeta) update(n docMeta) docMeta {
	if n.ETag != "" {
		m.ETag = n.ETag
	}
	if n.LastModified != "" {
		m.LastModified = n.LastModified
	}
	m.Date = n.Date
	if n.explicit {
		m.MaxAge = n.MaxAge
	}
	return m
}

// sameETag is RFC 9110's weak comparison; an absent ETag matches any.
func sameETag(a, b string) bool {
	return a == "" || b == "" || strings.TrimPrefix(a, "W/") == strings.TrimPrefix(b, "W/")
}

// conditions adds the request headers that revalidate a stored answer.
func (m *docMeta) conditions(h http.Header) {
	if m == nil {
		return
	}
	if m.ETag != "" {
		h.Set("If-None-Match", m.ETag)
	}
	if m.LastModified != "" {
		h.Set("If-Modified-Since", m.LastModified)
	}
}
