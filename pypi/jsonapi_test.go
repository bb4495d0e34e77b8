package pypi

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestDecodeReleaseFixtures decodes the documents in testdata/jsonapi,
// including Warehouse's own documentation example.
func TestDecodeReleaseFixtures(t *testing.T) {
	t.Parallel()
	const docURL = "https://pypi.org/pypi/demo/1.0/json"
	tests := []struct {
		file    string
		want    *Release
		wantErr bool
	}{
		{
			file: "sampleproject-4.0.0.json",
			want: &Release{Name: "sampleproject", Version: "4.0.0", Files: []File{
				{
					Filename: "sampleproject-4.0.0-py3-none-any.whl", PackageType: "bdist_wheel", Size: 4661,
					URL:            "https://files.pythonhosted.org/packages/d7/73/c16e5f3f0d37c60947e70865c255a58dc408780a6474de0523afd0ec553a/sampleproject-4.0.0-py3-none-any.whl",
					SHA256:         "c23e447ea90d796d1e645c35c4b2de125040add12a845825546f91c93f391b6b",
					RequiresPython: ">=3.9",
					UploadTime:     time.Date(2024, 11, 6, 22, 37, 9, 220617000, time.UTC),
					CoreMetadata:   true, CoreMetadataSHA256: "a1d0c6e83f027327d8461063f4ac58a6e4a7a5d0a0e0d5b6c3b2e1f0a9b8c7d6",
				},
				{
					Filename: "sampleproject-4.0.0.tar.gz", PackageType: "sdist", Size: 5760,
					URL:            "https://files.pythonhosted.org/packages/48/8c/c18d25735962870ccb6d1cd2ac7bde40008a332211055e260cb7ec4c6bab/sampleproject-4.0.0.tar.gz",
					SHA256:         "0ace7980f82c5815ede4cd7bf9f6693684cec2ae47b9b7ade9add533b8627c6b",
					RequiresPython: ">=3.9",
					UploadTime:     time.Date(2024, 11, 6, 22, 37, 10, 868088000, time.UTC),
					CoreMetadata:   true, CoreMetadataSHA256: "b2e1d7f94a138438e9572174a5bd69b7f5b8b6e1b1f1e6c7d4c3f2a1b0c9d8e7",
				},
			}, RequiresDist: []string{"peppercorn", "check-manifest ; extra == 'dev'", "coverage ; extra == 'test'"}},
		},
		{
			file: "yanked-relative-url.json",
			want: &Release{Name: "demo", Version: "1.0", Yanked: true, YankedReason: "broken", Files: []File{{
				Filename: "demo-1.0.tar.gz", PackageType: "sdist", Size: 5,
				URL:            "https://pypi.org/pypi/files/demo-1.0.tar.gz",
				SHA256:         "4e6d80c5e9f2d3f5f1b7e3e0a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
				RequiresPython: ">=3.9", Yanked: true, YankedReason: "broken",
				UploadTime: time.Date(2024, 1, 1, 0, 0, 0, 500000000, time.UTC),
			}}},
		},
		{file: "missing-sha256.json", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join("testdata", "jsonapi", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := decodeRelease(docURL, data)
			if tt.wantErr {
				var de *DecodeError
				if !errors.As(err, &de) || de.URL != docURL {
					t.Fatalf("decodeRelease() error = %v, want *DecodeError for %s", err, docURL)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("decodeRelease() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeReleaseInvalid(t *testing.T) {
	t.Parallel()
	const file = `{"filename":"a.tar.gz","url":"https://x/a.tar.gz","size":1,"digests":{"sha256":"` +
		`0000000000000000000000000000000000000000000000000000000000000000"}}`
	tests := []struct{ name, doc string }{
		{"not json", `<html>`},
		{"trailing data", `{"info":{"name":"a","version":"1"},"urls":[]} {}`},
		{"no info", `{"urls":[]}`},
		{"no version", `{"info":{"name":"a"},"urls":[]}`},
		{"no urls", `{"info":{"name":"a","version":"1"}}`},
		{"null file", `{"info":{"name":"a","version":"1"},"urls":[null]}`},
		{"slash in filename", `{"info":{"name":"a","version":"1"},"urls":[{"filename":"../a","url":"https://x/a","size":1,"digests":{"sha256":"` + "00" + `"}}]}`},
		{"short sha256", `{"info":{"name":"a","version":"1"},"urls":[{"filename":"a","url":"https://x/a","size":1,"digests":{"sha256":"00"}}]}`},
		{"no size", `{"info":{"name":"a","version":"1"},"urls":[{"filename":"a","url":"https://x/a","digests":{"sha256":"0000000000000000000000000000000000000000000000000000000000000000"}}]}`},
		{"file url", `{"info":{"name":"a","version":"1"},"urls":[{"filename":"a","url":"file:///etc/passwd","size":1,"digests":{"sha256":"0000000000000000000000000000000000000000000000000000000000000000"}}]}`},
		{"bad time", `{"info":{"name":"a","version":"1"},"urls":[` + file[:len(file)-1] + `,"upload_time_iso_8601":"yesterday"}]}`},
		{"wrong type", `{"info":{"name":"a","version":"1"},"urls":{}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := decodeRelease("https://x/pypi/a/1/json", []byte(tt.doc))
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Errorf("decodeRelease(%s) error = %v, want *DecodeError", tt.doc, err)
			}
		})
	}
}

func TestDecodeProject(t *testing.T) {
	t.Parallel()
	doc := `{"info":{"name":"Demo","version":"2.0"},"releases":{"1.0":[],"2.0":[{"filename":"demo-2.0.tar.gz","url":"https://x/demo-2.0.tar.gz","size":3,"digests":{"sha256":"0000000000000000000000000000000000000000000000000000000000000000"},"packagetype":"sdist"}]}}`
	got, err := decodeProject("https://x/pypi/demo/json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := &Project{Name: "Demo", Releases: map[string][]File{
		"1.0": {},
		"2.0": {{Filename: "demo-2.0.tar.gz", URL: "https://x/demo-2.0.tar.gz", Size: 3, PackageType: "sdist", SHA256: "0000000000000000000000000000000000000000000000000000000000000000"}},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decodeProject() (-want +got):\n%s", diff)
	}
	for _, bad := range []string{`{"info":{"name":"a"}}`, `{"releases":{}}`, `{"info":{"name":"a"},"releases":{"":[]}}`} {
		var de *DecodeError
		if _, err := decodeProject("u", []byte(bad)); !errors.As(err, &de) {
			t.Errorf("decodeProject(%s) error = %v, want *DecodeError", bad, err)
		}
	}
}
