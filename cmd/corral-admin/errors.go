package main

// Error kinds and how they are reported.

import (
	"errors"
	"fmt"
)

// usageError is Roundup's UsageError: a command was called wrongly
// ("Not enough arguments supplied", `"issue" not a node designator`).
// The command's help follows the message, as roundup-admin prints it.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// usagef builds a usageError.
func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// errNotEnough is Roundup's most common usage error.
func errNotEnough() error { return usagef("Not enough arguments supplied") }

// errReported marks a failure whose message the command printed itself
// (Roundup's `security` prints `No such Role "x"` and returns 1).
var errReported = errors.New("reported")

// errorText is the text after "Error: " for an error from the tracker
// (permission errors, auditor rejections, bad values) or elsewhere.
func errorText(err error) string { return err.Error() }
