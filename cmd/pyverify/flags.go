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

// sizeFlag is a byte count written as 500MiB, 4GiB, 2GB (read as GiB) or
// a plain number of bytes (--max-artifact-size).
type sizeFlag int64

func (z *sizeFlag) String() string { return formatBytes(int64(*z)) }

func (z *sizeFlag) Set(s string) error {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"TB", 1 << 40}, {"B", 1}} {
		if rest, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	switch {
	case err != nil:
		return fmt.Errorf("%q is not a size such as 500MiB or 4GiB", s)
	case n < 1:
		return fmt.Errorf("must be at least 1 byte, got %q", s)
	case n > (1<<62)/mult:
		return fmt.Errorf("%q is too large", s)
	}
	*z = sizeFlag(n * mult)
	return nil
}

func (z *sizeFlag) Type() string { return "SIZE" }

// formatBytes writes n in the largest binary unit that divides it.
func formatBytes(n int64) string {
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.mult && n%u.mult == 0 {
			return strconv.FormatInt(n/u.mult, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10) + "B"
}

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
