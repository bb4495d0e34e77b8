package main

import (
	"strings"
	"testing"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/verify"
)

// TestLargeDownloadNotice: an audit without a target that set out to
// download more than 1 GiB says how to download less (issue #11); one with
// a target, or a smaller one, says nothing.
func TestLargeDownloadNotice(t *testing.T) {
	t.Parallel()
	target := &pypi.Target{PythonVersion: "3.12", Platforms: []string{"win_amd64"}}
	tests := []struct {
		name string
		rep  verify.Report
		want string // a substring; "" = no notice
	}{
		{"over 1 GiB", verify.Report{DownloadSize: 5 << 30}, "downloaded every file of every release, 5.0 GiB; --python-version X.Y --platform TAG"},
		{"names --no-download", verify.Report{DownloadSize: 1<<30 + 1}, "--no-download"},
		{"exactly 1 GiB", verify.Report{DownloadSize: 1 << 30}, ""},
		{"small", verify.Report{DownloadSize: 10 << 20}, ""},
		{"with a target", verify.Report{DownloadSize: 5 << 30, Target: target}, ""},
		{"no-download", verify.Report{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := largeDownloadNotice(&tt.rep)
			if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
				t.Errorf("largeDownloadNotice = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestNoteLargeDownloadQuiet: the notice goes to stderr, and --quiet
// silences it like every other note.
func TestNoteLargeDownloadQuiet(t *testing.T) {
	t.Parallel()
	rep := &verify.Report{DownloadSize: 2 << 30}
	for _, quiet := range []bool{false, true} {
		var stderr strings.Builder
		a := &app{stderr: &stderr, quiet: quiet}
		a.noteLargeDownload(rep)
		if got := stderr.String() != ""; got == quiet {
			t.Errorf("quiet=%v: stderr %q", quiet, stderr.String())
		}
	}
}
