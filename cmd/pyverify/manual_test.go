package main

import (
	"os"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pyverify/pyverify/verify"
)

// readManual returns docs/manual.md, the user manual.
func readManual(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../docs/manual.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestManualProblemKinds keeps the manual true: it documents every problem
// kind the reports can carry, and the kinds SPEC §5 adds for work in
// progress.
func TestManualProblemKinds(t *testing.T) {
	manual := readManual(t)
	var kinds []string
	for _, k := range verify.ProblemKinds {
		kinds = append(kinds, string(k))
	}
	kinds = append(kinds, "index-mismatch", "publisher-inconsistent", "provenance-regressed", "publisher-changed", "unlisted-dependency", "installed-modified")
	for _, k := range kinds {
		if !strings.Contains(manual, "| `"+k+"` |") {
			t.Errorf("docs/manual.md has no row for problem kind %q", k)
		}
	}
}

// TestManualFlags keeps the manual true: every command, and every flag of
// every command (cobra's own help, version and completion included), is in
// it.
func TestManualFlags(t *testing.T) {
	manual := readManual(t)
	root := newRootCmd(&app{})
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	root.InitDefaultVersionFlag()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		path := c.CommandPath()
		if c.HasParent() && c.Parent().Name() == "completion" { // pyverify completion bash|zsh|…
			path = c.Name()
		}
		if c.Name() != "help" && !strings.Contains(manual, path) {
			t.Errorf("docs/manual.md does not mention %q", c.CommandPath())
		}
		c.InitDefaultHelpFlag()
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if f.Name != "help" && !strings.Contains(manual, "--"+f.Name) {
				t.Errorf("docs/manual.md does not document %s --%s", c.CommandPath(), f.Name)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
