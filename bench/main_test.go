package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/verify"
	"github.com/pyverify/pyverify/verify/verifytest"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{in: "200KiB", want: 200 << 10},
		{in: "200 KB", want: 200 << 10},
		{in: "1GiB", want: 1 << 30},
		{in: "64MiB", want: 64 << 20},
		{in: "512B", want: 512},
		{in: "4096", want: 4096},
		{in: "", wantErr: true},
		{in: "KiB", wantErr: true},
		{in: "-1KiB", wantErr: true},
		{in: "1.5MiB", wantErr: true},
		{in: "99999999999999GiB", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseSize(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseSize(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parseSize(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestCriticalPath(t *testing.T) {
	tests := []struct {
		name string
		n, c int
		l    time.Duration
		want time.Duration
	}{
		{name: "issue", n: 1000, l: 50 * time.Millisecond, c: 16, want: 3125 * time.Millisecond},
		{name: "sequential", n: 1000, l: 50 * time.Millisecond, c: 1, want: 50 * time.Second},
		{name: "chain dominates", n: 5, l: 50 * time.Millisecond, c: 16, want: 100 * time.Millisecond},
		{name: "no latency", n: 1000, l: 0, c: 16, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, criticalPath(tt.n, tt.l, tt.c)); diff != "" {
				t.Errorf("criticalPath (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRun drives the command end to end on a tiny index. The targets are
// set out of reach on purpose: this checks that the program works and that
// every package verifies, never how fast (performance claims come from
// running the benchmark, not from timed tests).
func TestRun(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string // lines stdout must contain
	}{
		{
			name: "throughput",
			args: []string{"-packages", "3", "-files", "3", "-size", "1KiB", "-latency", "1ms", "-runs", "1", "-target", "1e9"},
			want: []string{"requests per audit: 24 = 3 packages", "wall / bound", "sequential", "peak in flight", "PASS: wall/bound"},
		},
		{
			name: "no latency",
			args: []string{"-packages", "2", "-size", "1KiB", "-latency", "0s", "-runs", "1", "-sequential=false"},
			want: []string{"floor", "PASS"},
		},
		{
			name: "rerun",
			args: []string{"-rerun", "-packages", "3", "-files", "2", "-size", "1KiB", "-latency", "1ms", "-rerun-target", "1e9"},
			want: []string{"cold", "warm, within max-age", "warm, after max-age", "--offline", "PASS: no artifact downloaded again", "PASS: after max-age every document conditional (12/12)"},
		},
		{
			name: "rss",
			args: []string{"-rss", "-rss-size", "3MiB", "-rss-target", "100GiB", "-latency", "0s"},
			want: []string{"peak RSS (VmHWM)", "PASS: peak RSS"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tt.args, &stdout, &stderr); code != exitOK {
				t.Fatalf("run(%q) = %d, want %d\nstdout:\n%s\nstderr:\n%s", tt.args, code, exitOK, &stdout, &stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("run(%q) stdout lacks %q:\n%s", tt.args, w, &stdout)
				}
			}
		})
	}
}

func TestRunBadFlags(t *testing.T) {
	tests := [][]string{
		{"-packages", "0"},
		{"-size", "lots"},
		{"-concurrency", "0"},
		{"-installed", "-installed-packages", "0"},
		{"-installed-size", "lots"},
		{"extra"},
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(args, &stdout, &stderr); code != exitBroken {
				t.Errorf("run(%q) = %d, want %d; stderr:\n%s", args, code, exitBroken, &stderr)
			}
			if !strings.HasPrefix(stderr.String(), "bench: ") && !strings.Contains(stderr.String(), "invalid") {
				t.Errorf("run(%q) stderr does not say what is wrong:\n%s", args, &stderr)
			}
		})
	}
}

// TestHostileProvenance: the -hostile document is what issue #8 describes,
// ~30,000 minimal attestations that an index may send (under
// pypi.MaxProvenanceSize), and pyverify refuses it at decoding.
func TestHostileProvenance(t *testing.T) {
	data := verifytest.HostileProvenance(30000)
	if len(data) > pypi.MaxProvenanceSize {
		t.Errorf("hostile provenance is %d bytes, more than the %d an index may send", len(data), pypi.MaxProvenanceSize)
	}
	_, err := verify.DecodeProvenance("hostile.provenance", data)
	if want := "too many attestations (30000, at most 64)"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("DecodeProvenance = %v, want %q", err, want)
	}
	if _, err := verify.DecodeProvenance("capped.provenance", verifytest.HostileProvenance(verify.MaxAttestations)); err != nil {
		t.Errorf("DecodeProvenance at the cap: %v", err)
	}
}

// TestGridFilenames: every file of the -bytes grid is a distribution of
// its project, and the bench's target installs exactly one of them, which
// is what runBytes checks the targeted audit downloaded.
func TestGridFilenames(t *testing.T) {
	var fits []string
	for _, name := range gridFilenames("demo") {
		d, err := pypi.ParseDistFilename(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if benchTarget.Supported(d) {
			fits = append(fits, name)
		}
	}
	want := []string{"demo-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"}
	if diff := cmp.Diff(want, fits); diff != "" {
		t.Errorf("files the target installs (-want +got):\n%s", diff)
	}
}
