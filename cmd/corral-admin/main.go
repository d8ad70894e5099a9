// Command corral-admin administers a Corral tracker from the command line,
// as roundup-admin administers a Roundup tracker (roundup/admin.py,
// Roundup 2.6): the same commands with the same syntax, unique-prefix
// abbreviations, output formats and exit codes, an interactive shell when
// no command is given, and global options -i, -u, -d, -c/-S/-s, -P, -V
// and -v. DESIGN.md §2 and §2.1 are the contract; specs/roundup.md §5 the
// reference. Differences from Roundup are documented on the command that
// has them; the main ones: errors go to stderr and exit with status 1,
// one-shot commands commit only when they succeed, and a piped shell runs
// without banner or prompt and rolls back what it did not commit.
package main

import (
	"errors"
	"fmt"
	"os"
)

func main() {
	if err := run(); err != nil {
		var st exitStatus
		if errors.As(err, &st) {
			os.Exit(int(st))
		}
		fmt.Fprintln(os.Stderr, "corral-admin:", err)
		os.Exit(1)
	}
}

// run executes one corral-admin invocation with the process's arguments
// and standard streams.
func run() error {
	a := newAdmin(os.Stdin, os.Stdout, os.Stderr)
	a.getenv = os.Getenv
	if code := a.run(os.Args[1:]); code != 0 {
		return exitStatus(code)
	}
	return nil
}

// exitStatus is a non-zero exit status whose message was already printed.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }
