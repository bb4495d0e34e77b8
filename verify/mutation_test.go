package verify_test

import (
	"testing"

	"github.com/pyverify/pyverify/verify"
)

// TestWorstOrder pins SPEC §5's order failed > error > hash-only > verified
// for every pair, both ways round: a package with one failed file and one
// file that could not be checked is failed (a violation, exit 1), never
// merely error (exit 3).
func TestWorstOrder(t *testing.T) {
	order := []verify.Evidence{verify.Verified, verify.HashOnly, verify.Error, verify.Failed}
	for i, a := range order {
		for j, b := range order {
			want := order[max(i, j)]
			t.Run(string(a)+"+"+string(b), func(t *testing.T) {
				if got := verify.Worst(a, b); got != want {
					t.Errorf("Worst(%q, %q) = %q, want %q", a, b, got, want)
				}
			})
		}
	}
	tests := []struct {
		name string
		a, b verify.Evidence
		want verify.Evidence
	}{
		{name: "nothing yet then failed", a: "", b: verify.Failed, want: verify.Failed},
		{name: "error then nothing", a: verify.Error, b: "", want: verify.Error},
		{name: "unknown is no better than error", a: verify.Evidence("bogus"), b: verify.HashOnly, want: verify.Evidence("bogus")},
		{name: "failed beats unknown", a: verify.Evidence("bogus"), b: verify.Failed, want: verify.Failed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := verify.Worst(tt.a, tt.b); got != tt.want {
				t.Errorf("Worst(%q, %q) = %q, want %q", tt.a, tt.b, got, tt.want)
			}
		})
	}
}
