package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

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

// ageFlag is a duration flag (--older-than) that also takes days, "7d",
// which time.ParseDuration does not.
type ageFlag time.Duration

func (f *ageFlag) String() string {
	d := time.Duration(*f)
	if d > 0 && d%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	return d.String()
}

func (f *ageFlag) Set(s string) error {
	s = strings.TrimSpace(s)
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseInt(days, 10, 32)
		if err != nil || n < 0 {
			return fmt.Errorf("%q is not a duration: give one such as 12h or 7d", s)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil || d < 0 {
			return fmt.Errorf("%q is not a duration: give one such as 12h or 7d", s)
		}
	}
	*f = ageFlag(d)
	return nil
}

func (f *ageFlag) Type() string { return "duration" }
