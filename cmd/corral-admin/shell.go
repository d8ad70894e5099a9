package main

// The interactive shell and its prompts.

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// shell is the interactive mode (AdminTool.interactive): commands are
// read one a line until "quit", "q", "exit" or end of input, and run in
// one database transaction that "commit" and "rollback" end.
//
// On a terminal it prints the banner `Corral VERSION ready for input.`,
// prompts `corral> `, edits lines with history, and at the end asks
// whether to commit unsaved changes. With stdin not a terminal
// (DESIGN.md §2.1) it reads commands to end of input without banner or
// prompt, and rolls back uncommitted changes with a warning on stderr.
// The exit status is 1 when any command failed (Roundup's is always 0).
func (a *admin) shell() int {
	interactive := a.inTerm
	histFile := ""
	if interactive {
		a.printf("Corral %s ready for input.\nType \"help\" for help.\n", version())
		if a.outTerm && a.inFile != nil {
			a.editor = newLineEditor(a.inFile, a.in, a.out)
			a.editor.setHistoryLength(a.settings["history_length"].(int))
			if home, err := os.UserHomeDir(); err == nil {
				histFile = filepath.Join(home, ".corral_admin_history")
			}
			if histFile != "" && a.historyFeature(1) {
				a.editor.load(histFile)
			}
			a.println("Line editing enabled (emacs keys; history in ~/.corral_admin_history).")
		} else {
			a.println("Command history and line editing not available")
		}
	}
	for {
		line, err := a.readCommand(interactive)
		if errors.Is(err, errInterrupted) {
			continue
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				a.errorf("reading commands: %s", err)
				a.failed = true
			} else if interactive {
				a.println("exit...")
			}
			break
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		if a.editor != nil && strings.HasPrefix(line, "!") {
			var ok bool
			if line, ok = a.recall(line); !ok {
				continue
			}
		}
		if a.editor != nil {
			a.editor.add(line)
		}
		args, err := splitTokens(line)
		if err != nil {
			a.errorf("%s in: %s", err, line)
			a.failed = true
			continue
		}
		if len(args) == 0 {
			continue
		}
		if len(args) == 1 && (args[0] == "q" || args[0] == "quit" || args[0] == "exit") {
			break
		}
		if a.runCommand(args) != 0 {
			a.failed = true
		}
	}
	a.endSession(interactive)
	if a.editor != nil && histFile != "" && a.historyFeature(2) {
		_ = a.editor.save(histFile)
	}
	a.deliverQueued()
	if a.failed {
		return 1
	}
	return 0
}

// historyFeature reports whether a history feature is enabled by the
// history_features pragma (bit 1 load history, 2 save history, 4 load
// init file; a set bit disables).
func (a *admin) historyFeature(bit int) bool {
	return a.settings["history_features"].(int)&bit == 0
}

// readCommand reads the next command line: through the line editor on
// a terminal, plainly (and without a prompt) otherwise.
func (a *admin) readCommand(interactive bool) (string, error) {
	if a.editor != nil {
		return a.editor.readLine("corral> ")
	}
	if interactive {
		a.printf("corral> ")
	}
	return readPlainLine(a.in)
}

// recall handles "!N" (run history entry N again) and "!N:p" (put it on
// the next edit line), as Roundup's shell does.
func (a *admin) recall(line string) (string, bool) {
	spec := line[1:]
	printOnly := strings.HasSuffix(spec, ":p")
	spec = strings.TrimSuffix(spec, ":p")
	n, err := strconv.Atoi(spec)
	if err != nil {
		return line, true // not a history reference: run it as it is
	}
	if n < 1 || n > len(a.editor.history) {
		a.errorf("no history entry %d", n)
		return "", false
	}
	cmd := a.editor.history[n-1]
	if printOnly {
		a.editor.next = cmd
		return "", false
	}
	a.println(cmd)
	return cmd, true
}

// endSession deals with uncommitted changes at the end of the shell: on
// a terminal it asks whether to commit them; otherwise they are rolled
// back with a warning.
func (a *admin) endSession(interactive bool) {
	if a.tx == nil {
		return
	}
	if !a.uncommitted {
		a.rollback()
		return
	}
	if !interactive {
		fmt.Fprintln(a.err, "Warning: uncommitted changes at end of input were rolled back (end the input with \"commit\" to keep them).")
		a.rollback()
		return
	}
	answer, err := a.prompt("There are unsaved changes. Commit them (y/N)? ")
	if err == nil && strings.HasPrefix(strings.ToLower(strings.TrimSpace(answer)), "y") {
		if err := a.commit(); err != nil {
			a.errorf("%s", errorText(err))
			a.failed = true
		}
		return
	}
	a.rollback()
}

// prompt writes text and reads one line of answer from stdin (Roundup's
// my_input).
func (a *admin) prompt(text string) (string, error) {
	a.printf("%s", text)
	return readPlainLine(a.in)
}

// promptPassword asks for a password without echo on a terminal
// (getpass).
func (a *admin) promptPassword(text string) (string, error) {
	a.printf("%s", text)
	if a.inTerm && a.inFile != nil {
		if st, err := noEcho(a.inFile); err == nil {
			defer func() {
				st.restore()
				a.println()
			}()
		}
	}
	return readPlainLine(a.in)
}

// confirm asks a yes/no question on a terminal; the answer is yes only
// when it starts with y (Roundup: `ok.strip().lower() != 'y'` refuses).
func (a *admin) confirm(question string) bool {
	answer, err := a.prompt(question)
	return err == nil && strings.ToLower(strings.TrimSpace(answer)) == "y"
}
