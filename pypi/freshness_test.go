package pypi

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestParseMeta: the freshness an answer's headers grant (RFC 9111 §4.2),
// and when the stored answer stops being fresh by our clock.
func TestParseMeta(t *testing.T) {
	sent := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	long := strings.Repeat("x", maxValidator+1)
	tests := []struct {
		name   string
		h      http.Header
		maxAge time.Duration
		date   time.Time
		etag   string
	}{
		{"none", http.Header{}, 0, sent, ""},
		{"max-age", http.Header{"Cache-Control": {"public, max-age=600"}}, 10 * time.Minute, sent, ""},
		{"quoted, mixed case", http.Header{"Cache-Control": {`Max-Age="60"`}}, time.Minute, sent, ""},
		{"age counts", http.Header{"Cache-Control": {"max-age=600"}, "Age": {"100"}}, 10 * time.Minute, sent.Add(-100 * time.Second), ""},
		{"no-cache wins", http.Header{"Cache-Control": {"max-age=600", "no-cache"}}, 0, sent, ""},
		{"no-store", http.Header{"Cache-Control": {"no-store, max-age=600"}}, 0, sent, ""},
		{"conflicting max-age", http.Header{"Cache-Control": {"max-age=600, max-age=60"}}, 0, sent, ""},
		{"invalid max-age", http.Header{"Cache-Control": {"max-age=soon"}}, 0, sent, ""},
		{"capped", http.Header{"Cache-Control": {"max-age=31536000"}}, MaxFreshness, sent, ""},
		{"s-maxage is for shared caches", http.Header{"Cache-Control": {"s-maxage=600"}}, 0, sent, ""},
		{"expires", http.Header{"Date": {"Thu, 03 Dec 2026 09:00:00 GMT"}, "Expires": {"Thu, 03 Dec 2026 09:05:00 GMT"}}, 5 * time.Minute, sent, ""},
		{"expires in the past", http.Header{"Date": {"Thu, 03 Dec 2026 09:00:00 GMT"}, "Expires": {"0"}}, 0, sent, ""},
		{"max-age beats expires", http.Header{"Cache-Control": {"max-age=60"}, "Date": {"Thu, 03 Dec 2026 09:00:00 GMT"}, "Expires": {"Thu, 03 Dec 2026 09:05:00 GMT"}}, time.Minute, sent, ""},
		{"etag kept", http.Header{"Etag": {`"abc"`}}, 0, sent, `"abc"`},
		{"long etag dropped", http.Header{"Etag": {long}}, 0, sent, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := parseMeta(tt.h, sent)
			if m.MaxAge != tt.maxAge || !m.Date.Equal(tt.date) || m.ETag != tt.etag {
				t.Errorf("parseMeta = max-age %v, date %v, etag %q; want %v, %v, %q", m.MaxAge, m.Date, m.ETag, tt.maxAge, tt.date, tt.etag)
			}
			end := tt.date.Add(tt.maxAge)
			if tt.maxAge > 0 && (!m.fresh(end.Add(-time.Second)) || m.fresh(end)) {
				t.Errorf("fresh until %v: wrong at its edge", end)
			}
			if tt.maxAge == 0 && m.fresh(sent) {
				t.Errorf("fresh with no lifetime")
			}
		})
	}
}
