package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pyverify/pyverify/report"
)

// formatFlag is --format as a pflag.Value, so that a bad format fails at
// parse time with the list of choices.
type formatFlag struct{ f report.Format }

func (f *formatFlag) String() string { return string(f.f) }

func (f *formatFlag) Set(s string) error {
	v, err := report.ParseFormat(s)
	if err != nil {
		return fmt.Errorf("%q is not a format: choose one of %s", s, formatChoices())
	}
	f.f = v
	return nil
}

func (f *formatFlag) Type() string { return "format" }

func formatChoices() string {
	return strings.Join(report.Formats(), ", ")
}

// countFlag is a positive whole number flag (--concurrency) whose error
// speaks to the user, not in strconv's words.
type countFlag int

func (c *countFlag) String() string { return strconv.Itoa(int(*c)) }

func (c *countFlag) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	switch {
	case err != nil:
		return fmt.Errorf("%q is not a whole number", s)
	case n < 1:
		return fmt.Errorf("must be at least 1, got %d", n)
	}
	*c = countFlag(n)
	return nil
}

func (c *countFlag) Type() string { return "N" }
