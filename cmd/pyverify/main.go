package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// SIGTERM is how CI systems cancel a job: treat it like Ctrl-C. The
	// cause names the signal, for the exit status (130 or 143).
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first signal cancels the work and the report of what finished
		// is still printed; restoring the default lets a second one kill.
		s := <-sigs
		signal.Stop(sigs)
		cancel(interrupted{s})
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	signal.Stop(sigs)
	os.Exit(code)
}

// interrupted is the cause of a run cancelled by a signal.
type interrupted struct{ sig os.Signal }

func (i interrupted) Error() string { return "interrupted by " + signalName(i.sig) }

// signalName is the signal's conventional name, as shells print it.
func signalName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// run is the program without the process: no globals, no os.Exit, so tests
// can call it in-process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runApp(ctx, &app{stdin: os.Stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv, isTerminal: isTerminal}, args)
}

// runApp runs the command line args with a's streams and environment.
func runApp(ctx context.Context, a *app, args []string) int {
	stderr := a.stderr
	root := newRootCmd(a)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	a.close()
	var (
		ee *exitError
		ie *interruptError
	)
	switch {
	case errors.As(err, &ie):
		fmt.Fprintf(stderr, "pyverify: interrupted%s: %d of %d packages checked, %d not checked (error in the report)\n",
			signalSuffix(ctx), ie.total-ie.unfinished, ie.total, ie.unfinished)
		return interruptCode(ctx)
	case err != nil && ctx.Err() != nil && !errors.As(err, &ee):
		// Cancelled before the engine ran (fetching the trusted root, say).
		fmt.Fprintf(stderr, "pyverify: interrupted%s before any package was checked\n", signalSuffix(ctx))
		return interruptCode(ctx)
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code // the report already explained why
	default:
		fmt.Fprintf(stderr, "pyverify: %v\n", err)
		return exitUsage // failed before verification started
	}
}

// signalSuffix is " (SIGINT)" or " (SIGTERM)" when a signal cancelled ctx.
func signalSuffix(ctx context.Context) string {
	var i interrupted
	if errors.As(context.Cause(ctx), &i) {
		return " (" + signalName(i.sig) + ")"
	}
	return ""
}

// interruptCode is the exit status of an interrupted run: 128 + the signal
// number, as shells report a process killed by it; 130 (SIGINT) when no
// signal is named.
func interruptCode(ctx context.Context) int {
	var i interrupted
	if errors.As(context.Cause(ctx), &i) {
		if s, ok := i.sig.(syscall.Signal); ok {
			return 128 + int(s)
		}
	}
	return exitInterrupted
}
