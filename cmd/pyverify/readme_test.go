package main

import (
	"os"
	"regexp"
	"testing"

	"github.com/pyverify/pyverify/policy"
)

// TestReadmePolicy keeps README.md true: every TOML policy it shows parses.
func TestReadmePolicy(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```toml\n(.*?)```").FindAllSubmatch(data, -1)
	if len(blocks) == 0 {
		t.Fatal("README.md shows no TOML policy")
	}
	for _, b := range blocks {
		if _, err := policy.Parse("README.md policy", b[1]); err != nil {
			t.Errorf("README.md policy does not parse: %v\n%s", err, b[1])
		}
	}
}
