package pypi_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/pypi/pypitest"
)

// TestParseCoreMetadata reads METADATA headers as pip does: several
// Requires-Dist, continuation lines, CRLF, and nothing of the body.
func TestParseCoreMetadata(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     *pypi.CoreMetadata
		wantErr  string
	}{
		{
			name: "requests",
			in: "Metadata-Version: 2.1\nName: requests\nVersion: 2.32.3\nRequires-Python: >=3.8\n" +
				"Requires-Dist: charset-normalizer<4,>=2\nRequires-Dist: idna<4,>=2.5\n" +
				"Requires-Dist: PySocks!=1.5.7,>=1.5.6; extra == \"socks\"\n\nRequires-Dist: not a header, the body\n",
			want: &pypi.CoreMetadata{Name: "requests", Version: "2.32.3", RequiresPython: ">=3.8",
				RequiresDist: []string{"charset-normalizer<4,>=2", "idna<4,>=2.5", `PySocks!=1.5.7,>=1.5.6; extra == "socks"`}},
		},
		{
			name: "continuation and CRLF",
			in:   "Name: demo\r\nVersion: 1.0\r\nRequires-Dist: urllib3\r\n  <3 ; python_version >= '3.8'\r\nSummary: x\r\n",
			want: &pypi.CoreMetadata{Name: "demo", Version: "1.0", RequiresDist: []string{"urllib3 <3 ; python_version >= '3.8'"}},
		},
		{
			name: "no dependencies",
			in:   "Name: demo\nVersion: 1.0\n",
			want: &pypi.CoreMetadata{Name: "demo", Version: "1.0"},
		},
		{name: "garbage line", in: "Name: demo\nthis is not a header\n", wantErr: "METADATA:2: not a header line"},
		{name: "leading continuation", in: " x\nName: demo\n", wantErr: "METADATA:1: continuation line"},
		{name: "not utf-8", in: "Name: d\xffmo\n", wantErr: "not UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pypi.ParseCoreMetadata("METADATA", []byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestCoreMetadata fetches a wheel's PEP 658 metadata file as the JSON API
// announces it, checks the announced sha256, and refuses a file the index
// does not announce.
func TestCoreMetadata(t *testing.T) {
	t.Parallel()
	md := []byte("Name: demo\nVersion: 1.0\nRequires-Dist: idna\n")
	m := pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{
		"demo": {"1.0": {
			{Filename: "demo-1.0-py3-none-any.whl", Content: []byte("w"), Metadata: md},
			{Filename: "demo-1.0.tar.gz", Content: []byte("s")},
		}},
		"lied": {"1.0": {{Filename: "lied-1.0-py3-none-any.whl", Content: []byte("w"), Metadata: md,
			MetadataServed: []byte("Name: lied\nVersion: 1.0\n")}}},
	}}
	_, c, _ := newIndex(t, m, pypi.Options{})
	rel, err := c.Release(t.Context(), "demo", "1.0")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"idna"}, rel.RequiresDist); diff != "" {
		t.Errorf("RequiresDist (-want +got):\n%s", diff)
	}
	got, err := c.CoreMetadata(t.Context(), rel.Files[0])
	if err != nil || string(got) != string(md) {
		t.Errorf("CoreMetadata(wheel) = %q, %v; want the metadata", got, err)
	}
	if _, err := c.CoreMetadata(t.Context(), rel.Files[1]); !errors.Is(err, pypi.ErrNotFound) {
		t.Errorf("CoreMetadata(sdist) error = %v, want ErrNotFound", err)
	}
	lied, err := c.Release(t.Context(), "lied", "1.0")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CoreMetadata(t.Context(), lied.Files[0]); !errors.Is(err, pypi.ErrMetadataDigest) {
		t.Errorf("CoreMetadata(lied) error = %v, want ErrMetadataDigest", err)
	}
}
