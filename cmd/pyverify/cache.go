package main

import (
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/pyverify/pyverify/pypi"
)

// cacheRefused are the global flags the cache commands have no use for:
// they never touch the network nor write a report.
var cacheRefused = []string{"index-url", "trusted-root", "policy", "format", "output", "concurrency", "offline", "no-cache"}

func newCacheCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "Show, prune or empty the cache (--cache-dir)",
	}
	cmd.AddCommand(newCacheInfoCmd(a), newCachePruneCmd(a), newCacheCleanCmd(a))
	return cmd
}

func newCacheInfoCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "info",
		Short: "Show what the cache holds: entries, size, oldest and newest by kind",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := a.cacheRoot(cmd)
			if err != nil {
				return err
			}
			u, err := pypi.ReadCacheUsage(dir)
			if err != nil {
				return err
			}
			return writeCacheUsage(a.stdout, u)
		},
	}
	refuseFlags(cmd, cacheRefused...)
	return cmd
}

func newCachePruneCmd(a *app) *cobra.Command {
	olderThan := ageFlag(30 * 24 * time.Hour)
	cmd := &cobra.Command{
		Use:   "prune [--older-than D]",
		Short: "Remove cache entries not used for a while",
		Long: `Remove the cache entries not written nor used for longer than --older-than
(by modification time: pyverify renews it whenever it uses an entry). The
Sigstore trust root (TUF metadata) is removed only as a whole; temporary
files younger than an hour may belong to a running pyverify and are kept.`,
		Example: "  pyverify cache prune --older-than 7d",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := a.cacheRoot(cmd)
			if err != nil {
				return err
			}
			removed, err := pypi.PruneCache(dir, time.Duration(olderThan), time.Now())
			if err == nil || removed.Entries > 0 {
				fmt.Fprintf(a.stdout, "removed %d entries (%s) not used for %s from %s\n", removed.Entries, byteSize(removed.Bytes), olderThan.String(), dir)
			}
			return err
		},
	}
	cmd.Flags().Var(&olderThan, "older-than", "remove entries not used for `D` (e.g. 12h, 7d)")
	refuseFlags(cmd, cacheRefused...)
	return cmd
}

func newCacheCleanCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "clean",
		Short: "Remove everything from the cache",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := a.cacheRoot(cmd)
			if err != nil {
				return err
			}
			removed, err := pypi.CleanCache(dir)
			if err == nil || removed.Entries > 0 {
				fmt.Fprintf(a.stdout, "removed %d entries (%s) from %s\n", removed.Entries, byteSize(removed.Bytes), dir)
			}
			return err
		},
	}
	refuseFlags(cmd, cacheRefused...)
	return cmd
}

// cacheRoot is the cache directory the cache commands work on.
func (a *app) cacheRoot(cmd *cobra.Command) (string, error) {
	if a.noCache { // setup found no user cache directory
		return "", usageError(cmd, errors.New("there is no user cache directory on this machine: pass --cache-dir DIR"))
	}
	return a.cacheDir, nil
}

// writeCacheUsage prints `cache info`.
func writeCacheUsage(w io.Writer, u *pypi.CacheUsage) error {
	if !u.Exists || len(u.Kinds) == 0 {
		_, err := fmt.Fprintf(w, "cache %s: empty\n", u.Dir)
		return err
	}
	fmt.Fprintf(w, "cache %s\n", u.Dir)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "kind\tentries\tsize\toldest\tnewest")
	for _, k := range append(u.Kinds, u.Total()) {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", k.Name, k.Entries, byteSize(k.Bytes), stamp(k.Oldest), stamp(k.Newest))
	}
	return tw.Flush()
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// byteSize is n in binary units, as people read sizes.
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, u := float64(n)/unit, "KiB"
	for _, next := range []string{"MiB", "GiB", "TiB"} {
		if v < unit {
			break
		}
		v, u = v/unit, next
	}
	return fmt.Sprintf("%.1f %s", v, u)
}
