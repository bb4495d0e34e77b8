package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"
)

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print pyverify's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := rejectFlags(cmd, "format", "output"); err != nil {
				return err
			}
			_, err := fmt.Fprintf(a.stdout, "pyverify %s (%s, sigstore-go v1.3.0)\n", version, runtime.Version())
			return err
		},
	}
}
