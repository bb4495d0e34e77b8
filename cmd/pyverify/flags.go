package main

import (
	"fmt"
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
