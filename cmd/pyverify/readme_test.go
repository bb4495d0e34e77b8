package main

import (
	"os"
	"regexp"
	"testing"

	"github.com/pyverify/pyverify/policy"
)

// TestReadmePolicy keeps README.md and the manual true: every TOML policy
// they show parses.
func TestReadmePolicy(t *testing.T) {
	for _, doc := range []string{"README.md", "docs/manual.md"} {
		data, err := os.ReadFile("../../" + doc)
		if err != nil {
			t.Fatal(err)
		}
		blocks := regexp.MustCompile("(?s)```toml\n(.*?)```").FindAllSubmatch(data, -1)
		if len(blocks) == 0 {
			t.Fatalf("%s shows no TOML policy", doc)
		}
		for _, b := range blocks {
			if _, err := policy.Parse(doc+" policy", b[1]); err != nil {
				t.Errorf("%s policy does not parse: %v\n%s", doc, err, b[1])
			}
		}
	}
}

// TestReadmeRunsTheBinary keeps README.md's exit-code table true: the
// commands it tells users to run are the binary's, never `go run`, whose
// own exit status 1 replaces the program's.
func TestReadmeRunsTheBinary(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, block := range regexp.MustCompile("(?s)```(?:sh|console)\n(.*?)```").FindAllSubmatch(data, -1) {
		if m := regexp.MustCompile(`(?m)^[^#\n]*go run \./cmd/pyverify.*$`).Find(block[1]); m != nil {
			t.Errorf("README.md runs pyverify with go run, which turns every exit code into 1: %s", m)
		}
	}
	if !regexp.MustCompile(`\]\(docs/manual\.md\)`).Match(data) {
		t.Error("README.md does not link the manual, docs/manual.md")
	}
	if regexp.MustCompile(`\]\(\.\./shared/`).Match(data) {
		t.Error("README.md links ../shared/, which a clone does not have")
	}
}
