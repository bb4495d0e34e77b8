package report

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSourceText: a "source" read back from JSON is split into File and
// Line only when it is FILE:LINE exactly; anything else stays whole, with
// no line, and every value marshals back to the text it was read from.
func TestSourceText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src  string
		want Source
	}{
		{"requirements.txt:3", Source{File: "requirements.txt", Line: 3}},
		{"reqs/dev.txt:120", Source{File: "reqs/dev.txt", Line: 120}},
		{`C:\src\requirements.txt:7`, Source{File: `C:\src\requirements.txt`, Line: 7}},
		{"a:1:2", Source{File: "a:1", Line: 2}},
		{"", Source{}},
		{"requirements.txt", Source{File: "requirements.txt"}},
		{":3", Source{File: ":3"}},
		{"requirements.txt:0", Source{File: "requirements.txt:0"}},
		{"requirements.txt:-1", Source{File: "requirements.txt:-1"}},
		{"requirements.txt:x", Source{File: "requirements.txt:x"}},
		{"requirements.txt:03", Source{File: "requirements.txt:03"}},
		{"requirements.txt:+3", Source{File: "requirements.txt:+3"}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			var got Source
			if err := got.UnmarshalText([]byte(tt.src)); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("UnmarshalText(%q) mismatch (-want +got):\n%s", tt.src, diff)
			}
			if b, _ := got.MarshalText(); string(b) != tt.src {
				t.Errorf("MarshalText = %q, want %q", b, tt.src)
			}
		})
	}
}

func TestFileURI(t *testing.T) {
	t.Parallel()
	tests := []struct{ path, want string }{
		{"requirements.txt", "requirements.txt"},
		{"./reqs/dev.txt", "reqs/dev.txt"},
		{"reqs/with space.txt", "reqs/with%20space.txt"},
		{"/abs/requirements.txt", "file:///abs/requirements.txt"},
		{"a:b.txt", "./a:b.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			if got := fileURI(tt.path); got != tt.want {
				t.Errorf("fileURI(%q) = %q, want %q", tt.path, got, tt.want)
			}
		})
	}
}

func TestSummaryLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s    Summary
		want string
	}{
		{Summary{}, "0 packages"},
		{Summary{Packages: 3, Verified: 1, HashOnly: 1, Failed: 1, OK: 2, Violations: 1},
			"3 packages: 1 verified, 1 hash-only, 1 failed; 1 policy violation"},
		{Summary{Packages: 1, Error: 1}, "1 package: 1 error; 1 incomplete"},
		{Summary{Packages: 2, Verified: 2, OK: 2}, "2 packages: 2 verified; policy satisfied"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := summaryLine(tt.s); got != tt.want {
				t.Errorf("summaryLine(%+v) = %q, want %q", tt.s, got, tt.want)
			}
		})
	}
}
