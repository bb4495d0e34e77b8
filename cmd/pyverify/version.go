package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"
)

func newVersionCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print pyverify's version (also: pyverify --version)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprint(a.stdout, versionLine())
			return err
		},
	}
	// The version is one line of text: no global flag applies.
	refuseFlags(cmd, globalFlags...)
	return cmd
}

// versionLine is what `pyverify version` and `pyverify --version` print.
func versionLine() string {
	return fmt.Sprintf("pyverify %s (%s, sigstore-go v1.3.0)\n", version, runtime.Version())
}
