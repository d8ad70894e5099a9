package main

// Global options (roundup-admin's getopt string 'i:u:hcdP:sS:vV') and the
// usage message.

import (
	"fmt"
	"io"
	"strings"
)

// usageText is roundup-admin's usage message (AdminTool.usage) with
// Corral's additions -y and --queue-only.
const usageText = `Usage: corral-admin [options] [<command> <arguments>]

Options:
 -i instance home  -- specify the issue tracker "home directory" to administer
 -u                -- the user[:password] to use for commands (default admin)
 -d                -- print full designators not just class id numbers
 -c                -- when outputting lists of data, comma-separate them.
                      Same as '-S ","'.
 -S <string>       -- when outputting lists of data, string-separate them
 -s                -- when outputting lists of data, space-separate them.
                      Same as '-S " "'.
 -P pragma=value   -- Set a pragma on command line rather than interactively.
                      Can be used multiple times.
 -V                -- be verbose when importing
 -v                -- report Corral and Go versions (and quit)
 -y                -- answer yes: erase an existing tracker or database
                      when installing or initialising without asking
 --queue-only      -- leave queued mail and IRC announcements to a
                      running corral-server instead of delivering them

 Only one of -s, -c or -S can be specified.

Help:
 corral-admin -h
 corral-admin help                       -- this help
 corral-admin help <command>             -- command-specific help
 corral-admin help all                   -- all available help
`

// usage prints the usage message and the command list, after a
// "Problem: ..." line when message is not empty.
func (a *admin) usage(w io.Writer, message string) {
	if message != "" {
		fmt.Fprintf(w, "Problem: %s\n\n", message)
	}
	io.WriteString(w, usageText)
	a.writeCommandList(w)
}

// parseOptions reads the global options the way Python's getopt does for
// roundup-admin's 'i:u:hcdP:sS:vV': options come before the command,
// may be combined (-cd) and take their argument attached or as the next
// word; the first non-option word (or "--") ends them. done is true when
// the invocation is complete (-h, -v, or an error) with exit status code.
func (a *admin) parseOptions(args []string) (rest []string, code int, done bool) {
	var pragmas []string
	fail := func(msg string) ([]string, int, bool) {
		a.usage(a.err, msg)
		return nil, 1, true
	}
	setSep := func(s string) bool {
		if a.sepSet {
			return false
		}
		a.sep, a.sepSet = s, true
		return true
	}
	i := 0
	for ; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			i++
			break
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			break
		}
		if strings.HasPrefix(arg, "--") {
			switch arg {
			case "--queue-only":
				a.queueOnly = true
			case "--help":
				a.usage(a.out, "")
				return nil, 0, true
			case "--version":
				a.printf("%s (%s)\n", version(), goVersion())
				return nil, 0, true
			default:
				return fail(fmt.Sprintf("option %s not recognized", arg))
			}
			continue
		}
		for j := 1; j < len(arg); j++ {
			opt := arg[j]
			var val string
			if strings.IndexByte("iuPS", opt) >= 0 {
				if j+1 < len(arg) {
					val = arg[j+1:]
				} else if i+1 < len(args) {
					i++
					val = args[i]
				} else {
					return fail(fmt.Sprintf("option -%c requires argument", opt))
				}
				j = len(arg)
			}
			switch opt {
			case 'h':
				a.usage(a.out, "")
				return nil, 0, true
			case 'v':
				a.printf("%s (%s)\n", version(), goVersion())
				return nil, 0, true
			case 'V':
				a.verbose = true
			case 'i':
				a.home = val
			case 'u':
				a.userName, a.userPW, _ = strings.Cut(val, ":")
			case 'c', 's', 'S':
				s := map[byte]string{'c': ",", 's': " ", 'S': val}[opt]
				if !setSep(s) {
					return fail("Only one of -c, -S and -s may be specified")
				}
			case 'd':
				a.printDesignator = true
			case 'P':
				pragmas = append(pragmas, val)
			case 'y':
				a.force = true
			default:
				return fail(fmt.Sprintf("option -%c not recognized", opt))
			}
		}
	}
	// -P is applied after all options, so "-V -P verbose=no" and
	// "-P verbose=no -V" agree. Roundup prints a bad pragma and goes on;
	// Corral stops, so a script's typo does not go unnoticed.
	for _, p := range pragmas {
		if err := a.setPragma(p); err != nil {
			a.errorf("%s", errorText(err))
			return nil, 1, true
		}
	}
	return args[i:], 0, false
}
