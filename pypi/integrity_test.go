package pypi_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/pypi/pypitest"
)

func TestProvenance(t *testing.T) {
	t.Parallel()
	big := pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{"big": {"1.0": {
		{Filename: "big-1.0.tar.gz", Content: []byte("x"), Provenance: append([]byte(`"`), append(bytes.Repeat([]byte("a"), pypi.MaxProvenanceSize), '"')...)},
	}}}}
	tests := []struct {
		name    string
		model   pypitest.Model
		project string
		file    string
		fault   *pypitest.Fault
		check   func(t *testing.T, b []byte, err error)
	}{
		{
			name: "served", model: demo, project: "Demo", file: "demo-1.0.tar.gz",
			check: func(t *testing.T, b []byte, err error) {
				if err != nil || string(b) != `{"version":1,"attestation_bundles":[]}` {
					t.Errorf("Provenance() = %q, %v", b, err)
				}
			},
		},
		{
			name: "none published", model: demo, project: "Demo", file: "demo-1.0-py3-none-any.whl",
			check: func(t *testing.T, b []byte, err error) {
				if !errors.Is(err, pypi.ErrNoProvenance) || pypi.IsNetwork(err) {
					t.Errorf("error = %v, want ErrNoProvenance", err)
				}
			},
		},
		{
			name: "403 is an index error, not no provenance", model: demo, project: "Demo", file: "demo-1.0.tar.gz",
			fault: &pypitest.Fault{Status: 403},
			check: func(t *testing.T, b []byte, err error) {
				var se *pypi.StatusError
				if !errors.As(err, &se) || se.Code != 403 || errors.Is(err, pypi.ErrNoProvenance) || pypi.IsNetwork(err) {
					t.Errorf("error = %v, want *StatusError 403", err)
				}
			},
		},
		{
			name: "not JSON", model: demo, project: "Demo", file: "demo-1.0.tar.gz",
			fault: &pypitest.Fault{LongerBody: true},
			check: func(t *testing.T, b []byte, err error) {
				var de *pypi.DecodeError
				if !errors.As(err, &de) {
					t.Errorf("error = %v, want *DecodeError", err)
				}
			},
		},
		{
			name: "over the size limit", model: big, project: "big", file: "big-1.0.tar.gz",
			check: func(t *testing.T, b []byte, err error) {
				if !errors.Is(err, pypi.ErrTooLarge) || pypi.IsNetwork(err) {
					t.Errorf("error = %v, want ErrTooLarge", err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c, _ := newIndex(t, tt.model, pypi.Options{})
			if tt.fault != nil {
				s.Fault("/integrity/*", *tt.fault)
			}
			b, err := c.Provenance(t.Context(), tt.project, "1.0", tt.file)
			tt.check(t, b, err)
		})
	}
}
