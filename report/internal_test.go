package report

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplitSource(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src      string
		wantFile string
		wantLine int
		wantOK   bool
	}{
		{"requirements.txt:3", "requirements.txt", 3, true},
		{"reqs/dev.txt:120", "reqs/dev.txt", 120, true},
		{`C:\src\requirements.txt:7`, `C:\src\requirements.txt`, 7, true},
		{"", "", 0, false},
		{"requirements.txt", "", 0, false},
		{":3", "", 0, false},
		{"requirements.txt:0", "", 0, false},
		{"requirements.txt:-1", "", 0, false},
		{"requirements.txt:x", "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			file, line, ok := splitSource(tt.src)
			if diff := cmp.Diff([]any{tt.wantFile, tt.wantLine, tt.wantOK}, []any{file, line, ok}); diff != "" {
				t.Errorf("splitSource(%q) mismatch (-want +got):\n%s", tt.src, diff)
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
