package pypi_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/pypi/pypitest"
)

// TestSimple reads a PEP 691 page: PEP 740 provenance URLs (null for an
// unattested file), yanked files, and the normalised name in the URL so
// that no redirect is needed.
func TestSimple(t *testing.T) {
	t.Parallel()
	m := pypitest.Model{
		Projects: map[string]map[string][]pypitest.ModelFile{"Demo_Pkg": {
			"1.0": {{Filename: "demo_pkg-1.0.tar.gz", Content: []byte("a"), Publisher: []byte(`{}`)}},
			"1.1": {{Filename: "demo_pkg-1.1.tar.gz", Content: []byte("b")}},
		}},
		Yanked: map[string]map[string]string{"Demo_Pkg": {"1.1": "bad"}},
	}
	s, c, _ := newIndex(t, m, pypi.Options{})
	sp, err := c.Simple(t.Context(), "Demo.Pkg")
	if err != nil {
		t.Fatalf("Simple: %v", err)
	}
	type row struct {
		Filename        string
		Yanked          bool
		ProvenanceKnown bool
		Attested        bool
	}
	var got []row
	for _, f := range sp.Files {
		got = append(got, row{f.Filename, f.Yanked, f.ProvenanceKnown, f.Provenance != ""})
	}
	want := []row{{"demo_pkg-1.0.tar.gz", false, true, true}, {"demo_pkg-1.1.tar.gz", true, true, false}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if reqs := s.Requests(); len(reqs) != 1 || reqs[0] != "/simple/demo-pkg/" {
		t.Errorf("requests = %q, want one GET /simple/demo-pkg/", reqs)
	}
}

// TestSimpleRefusesWhatIsNotPEP691 answers an index that serves HTML, a
// document without meta, or one that repeats a key: each is a
// *DecodeError (index-error), never a page with no attested files.
func TestSimpleRefusesWhatIsNotPEP691(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, ctype, body string
	}{
		{"html", "text/html", "<html></html>"},
		{"no meta", pypi.SimpleMediaType, `{"name":"demo","files":[]}`},
		{"duplicate key", pypi.SimpleMediaType, `{"meta":{"api-version":"1.1"},"name":"demo","files":[{"filename":"demo-1.0.tar.gz","url":"x","hashes":{},"provenance":null,"provenance":"https://evil/"}]}`},
		{"provenance not a string", pypi.SimpleMediaType, `{"meta":{"api-version":"1.1"},"name":"demo","files":[{"filename":"demo-1.0.tar.gz","url":"x","hashes":{},"provenance":42}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.ctype)
				_, _ = w.Write([]byte(tt.body))
			}))
			t.Cleanup(srv.Close)
			c, err := pypi.NewClient(pypi.Options{BaseURL: srv.URL, HTTPClient: srv.Client()})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Simple(t.Context(), "demo")
			var de *pypi.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("Simple = %v, want a *pypi.DecodeError", err)
			}
		})
	}
}
