package pypi_test

import (
	"strings"
	"testing"

	"github.com/pyverify/pyverify/pypi"
)

func TestCheckStrictJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, wantErr string
	}{
		{"object", `{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}]}`, ""},
		{"duplicate top-level key", `{"a":1,"a":2}`, `duplicated key "a"`},
		{"duplicate nested key", `{"info":{"version":"1.0","version":"9.9"}}`, `duplicated key "version"`},
		{"duplicate inside array", `{"urls":[{"digests":{"sha256":"a","sha256":"b"}}]}`, `duplicated key "sha256"`},
		{"trailing data", `{} {}`, "data after the JSON value"},
		{"too deep", strings.Repeat("[", pypi.MaxJSONDepth+2) + strings.Repeat("]", pypi.MaxJSONDepth+2), "nested deeper"},
		{"not json", `{"a":`, "EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := pypi.CheckStrictJSON([]byte(tt.in))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("CheckStrictJSON: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("CheckStrictJSON = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}
