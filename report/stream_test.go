package report_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/report"
	"github.com/pyverify/pyverify/verify"
)

// streamGolden writes d through a Stream, package by package, as a
// streamed run does.
func streamGolden(t *testing.T, f report.Format, d *report.Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	s, err := report.NewStream(&buf, f, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range d.Packages {
		s.AddWire(p)
	}
	if err := s.Close(&verify.Report{Interrupted: d.Interrupted}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestStreamJSONGolden: the streamed JSON of every golden case is, byte
// for byte, the json section the whole-document renderer is held to
// (issue #13: same schema, same bytes).
func TestStreamJSONGolden(t *testing.T) {
	t.Parallel()
	for _, file := range goldenFiles(t) {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, d := readGolden(t, file)
			var want string
			for _, f := range ar.Files {
				if f.Name == "json" {
					want = string(f.Data)
				}
			}
			if want == "" {
				t.Fatal("no json section")
			}
			if diff := cmp.Diff(want, string(streamGolden(t, report.JSON, d))); diff != "" {
				t.Errorf("streamed json differs from the golden (-want +got):\n%s", diff)
			}
		})
	}
}

// TestStreamDomain: streaming verify.Packages gives the bytes of
// FromVerify + Write for the same report, interrupted or not, in both
// streamed formats, and the summary counts what was streamed.
func TestStreamDomain(t *testing.T) {
	t.Parallel()
	rep := &verify.Report{IndexURL: "https://pypi.example/<x>&", Policy: "pyverify.toml", Packages: []verify.Package{
		{Name: "demo", Version: "1.0", Evidence: verify.Verified, OK: true, Files: []verify.File{{
			Filename: "demo-1.0.tar.gz", SHA256: pypi.SHA256(strings.Repeat("a", 64)), Bytes: verify.BytesCache, Evidence: verify.Verified,
			Attestations: []verify.Attestation{{Verified: true, Publisher: verify.Publisher{Kind: "GitHub", Repository: "acme/demo"},
				IntegratedTime: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}}}}},
		{Name: "gone", Evidence: verify.Error, Problems: []verify.Problem{{Kind: verify.Network, Message: "gone: not checked: interrupted"}}},
	}}
	for _, interrupted := range []bool{false, true} {
		rep.Interrupted = interrupted
		for _, f := range []report.Format{report.JSON, report.JSONL} {
			var want, got bytes.Buffer
			if err := report.Write(&want, f, report.FromVerify(rep, report.Meta{ToolVersion: "0.1.0"}), report.Options{}); err != nil {
				t.Fatal(err)
			}
			head := *rep
			head.Packages = nil
			s, err := report.NewStream(&got, f, report.FromVerify(&head, report.Meta{ToolVersion: "0.1.0"}))
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range rep.Packages {
				s.Package(p)
			}
			if err := s.Close(&verify.Report{Interrupted: interrupted}); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want.String(), got.String()); diff != "" {
				t.Errorf("%s, interrupted %v: streamed differs (-want +got):\n%s", f, interrupted, diff)
			}
		}
	}
}

// TestJSONLSchema: every line of the JSON Lines rendering of every golden
// case validates against schema.json's jsonl_line, the packages come in
// order and the summary line is last; put back together, the lines are
// the JSON document.
func TestJSONLSchema(t *testing.T) {
	t.Parallel()
	abs, err := filepath.Abs("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	line, err := c.Compile(abs + "#/definitions/jsonl_line")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range goldenFiles(t) {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			_, d := readGolden(t, file)
			var buf bytes.Buffer
			if err := report.Write(&buf, report.JSONL, d, report.Options{}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), streamGolden(t, report.JSONL, d)) {
				t.Error("Write and Stream give different JSON Lines")
			}
			var (
				lines []map[string]json.RawMessage
				sc    = bufio.NewScanner(&buf)
			)
			sc.Buffer(nil, 1<<24)
			for n := 1; sc.Scan(); n++ {
				inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(sc.Bytes()))
				if err != nil {
					t.Fatalf("line %d is not JSON: %v", n, err)
				}
				if err := line.Validate(inst); err != nil {
					t.Errorf("line %d does not validate against jsonl_line:\n%v", n, err)
				}
				var m map[string]json.RawMessage
				if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
					t.Fatal(err)
				}
				lines = append(lines, m)
			}
			if len(lines) != len(d.Packages)+1 {
				t.Fatalf("%d lines, want %d packages and a summary", len(lines), len(d.Packages))
			}
			last := lines[len(lines)-1]
			if _, ok := last["summary"]; !ok {
				t.Fatal("the last line has no summary")
			}
			pkgs := []json.RawMessage{}
			for _, l := range lines[:len(lines)-1] {
				if _, ok := l["summary"]; ok {
					t.Fatal("a summary line before the last")
				}
				b, _ := json.Marshal(l)
				pkgs = append(pkgs, b)
			}
			last["packages"], _ = json.Marshal(pkgs)
			rebuilt, _ := json.Marshal(last)
			var whole bytes.Buffer
			if err := report.Write(&whole, report.JSON, d, report.Options{}); err != nil {
				t.Fatal(err)
			}
			var a, b any
			if err := json.Unmarshal(rebuilt, &a); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(whole.Bytes(), &b); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(b, a); diff != "" {
				t.Errorf("jsonl put back together is not the json document (-json +jsonl):\n%s", diff)
			}
		})
	}
}

// errWriter fails every write after the first n bytes.
type errWriter struct{ n int }

func (w *errWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		return 0, errors.New("disk full")
	}
	w.n -= len(p)
	return len(p), nil
}

// TestStreamWriteError: a write that fails mid-stream is the error Close
// returns, never a report that silently stops.
func TestStreamWriteError(t *testing.T) {
	t.Parallel()
	s, err := report.NewStream(&errWriter{n: 200}, report.JSON, report.FromVerify(&verify.Report{}, report.Meta{}))
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		s.Package(verify.Package{Name: "pkg", Evidence: verify.HashOnly})
	}
	if err := s.Close(&verify.Report{}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Close() = %v, want the write error", err)
	}
	if _, err := report.NewStream(&bytes.Buffer{}, report.Text, &report.Document{}); err == nil {
		t.Error("NewStream(text) succeeded; text needs the whole report")
	}
}
