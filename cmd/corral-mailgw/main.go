// Command corral-mailgw is Corral's roundup-mailgw: it feeds incoming
// mail to a tracker through package mailgw (Roundup's mail gateway rules,
// specs/mailgw.md).
//
//	corral-mailgw [-c CLASS] [-S [class.]prop=value[;...]]... [--queue-only]
//	              [--metrics ADDR] HOME [SOURCE [SPEC]]
//
// Without SOURCE it reads one message on standard input (an MTA alias or
// procmail pipe) and exits 0 when the message was handled — created,
// updated, dropped, or answered with a bounce — and 75 (EX_TEMPFAIL) when
// it could not be handled now and the MTA must retry, including when the
// tracker cannot be opened. SOURCE is `mailbox FILE`, `imap`/`imaps
// USER@HOST [MAILBOX]`, `pop`/`pops USER@HOST`, `smtp ADDR` or
// `lmtp ADDR|unix:PATH`.
//
// A one-shot run (stdin, mailbox, a single mailbox poll) delivers the mail
// its own work queued — bounces, notifications — before it exits, unless
// --queue-only leaves that to a running corral-server.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// Exit statuses (sysexits.h): MTAs retry 75 and bounce anything else.
const (
	exitUsage    = 64
	exitTempFail = 75
)

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	if err == nil {
		return
	}
	fmt.Fprintln(os.Stderr, "corral-mailgw:", err)
	var ue *usageError
	var te *tempError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintln(os.Stderr, usageLine)
		os.Exit(exitUsage)
	case errors.As(err, &te):
		os.Exit(exitTempFail)
	}
	os.Exit(1)
}

// usageError is a command-line mistake (exit 64).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// tempError is a failure after which the message must be retried: exit
// 75, which MTAs treat as "try again later".
type tempError struct{ err error }

func (e *tempError) Error() string { return e.err.Error() }
func (e *tempError) Unwrap() error { return e.err }
