package main

// The interactive shell's line editor.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// errInterrupted is returned by readLine when Control-C discards the line.
var errInterrupted = errors.New("interrupted")

// lineEditor is the interactive shell's line editor, standing in for
// GNU readline (which Roundup uses when Python has it): the terminal is
// put in raw mode while a line is read; the keys are emacs-style —
// left/right (Control-b/f), home/end (Control-a/e), backspace, delete
// (Control-d on a non-empty line), Control-k/Control-u to kill to the
// end/start, Control-c to discard the line, Control-d on an empty line
// for end of input — and up/down (Control-p/n) walk the history, which
// is kept in a file between sessions. Every character is taken to be one
// column wide and a line longer than the terminal is redrawn naively;
// that is enough for admin commands.
type lineEditor struct {
	f       *os.File
	in      *bufio.Reader
	out     io.Writer
	history []string
	max     int // -1: unlimited
	// next prefills the next line read ("!N:p").
	next string
}

func newLineEditor(f *os.File, in *bufio.Reader, out io.Writer) *lineEditor {
	return &lineEditor{f: f, in: in, out: out, max: -1}
}

// setHistoryLength limits the history kept (pragma history_length; -1
// for no limit).
func (e *lineEditor) setHistoryLength(n int) {
	e.max = n
	e.trim()
}

func (e *lineEditor) trim() {
	if e.max >= 0 && len(e.history) > e.max {
		e.history = e.history[len(e.history)-e.max:]
	}
}

// add appends a line to the history (consecutive duplicates once).
func (e *lineEditor) add(line string) {
	if line == "" || (len(e.history) > 0 && e.history[len(e.history)-1] == line) {
		return
	}
	e.history = append(e.history, line)
	e.trim()
}

// load reads a history file, one command a line.
func (e *lineEditor) load(path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		e.add(l)
	}
}

// save writes the history file (mode 0600, as readline does).
func (e *lineEditor) save(path string) error {
	var b strings.Builder
	for _, l := range e.history {
		b.WriteString(l + "\n")
	}
	return os.WriteFile(path, []byte(b.String()), 0o600)
}

// readLine shows prompt and returns the edited line (io.EOF at end of
// input, errInterrupted after Control-C).
func (e *lineEditor) readLine(prompt string) (string, error) {
	st, err := makeRaw(e.f)
	if err != nil {
		// Not a terminal after all: read a plain line.
		fmt.Fprint(e.out, prompt)
		return readPlainLine(e.in)
	}
	defer st.restore()
	buf := []rune(e.next)
	e.next = ""
	pos := len(buf)
	hist := len(e.history)
	saved := ""
	redraw := func() {
		fmt.Fprintf(e.out, "\r%s%s\x1b[K", prompt, string(buf))
		if back := len(buf) - pos; back > 0 {
			fmt.Fprintf(e.out, "\x1b[%dD", back)
		}
	}
	setLine := func(s string) {
		buf = []rune(s)
		pos = len(buf)
		redraw()
	}
	redraw()
	for {
		r, _, err := e.in.ReadRune()
		if err != nil {
			fmt.Fprint(e.out, "\r\n")
			if len(buf) > 0 && errors.Is(err, io.EOF) {
				return string(buf), nil
			}
			return "", err
		}
		switch r {
		case '\r', '\n':
			fmt.Fprint(e.out, "\r\n")
			return string(buf), nil
		case 3: // Control-C
			fmt.Fprint(e.out, "^C\r\n")
			return "", errInterrupted
		case 4: // Control-D
			if len(buf) == 0 {
				fmt.Fprint(e.out, "\r\n")
				return "", io.EOF
			}
			if pos < len(buf) {
				buf = append(buf[:pos], buf[pos+1:]...)
				redraw()
			}
		case 127, 8: // backspace
			if pos > 0 {
				buf = append(buf[:pos-1], buf[pos:]...)
				pos--
				redraw()
			}
		case 1: // Control-A
			pos = 0
			redraw()
		case 5: // Control-E
			pos = len(buf)
			redraw()
		case 2: // Control-B
			if pos > 0 {
				pos--
				redraw()
			}
		case 6: // Control-F
			if pos < len(buf) {
				pos++
				redraw()
			}
		case 11: // Control-K
			buf = buf[:pos]
			redraw()
		case 21: // Control-U
			buf = append([]rune(nil), buf[pos:]...)
			pos = 0
			redraw()
		case 16, 14: // Control-P, Control-N
			hist, saved = e.walk(r == 16, hist, saved, string(buf), setLine)
		case 27: // escape sequence
			key := e.escape()
			switch key {
			case 'A', 'B':
				hist, saved = e.walk(key == 'A', hist, saved, string(buf), setLine)
			case 'C':
				if pos < len(buf) {
					pos++
					redraw()
				}
			case 'D':
				if pos > 0 {
					pos--
					redraw()
				}
			case 'H':
				pos = 0
				redraw()
			case 'F':
				pos = len(buf)
				redraw()
			case '3': // Delete
				if pos < len(buf) {
					buf = append(buf[:pos], buf[pos+1:]...)
					redraw()
				}
			}
		default:
			if r < 32 || r == utf8.RuneError {
				continue
			}
			buf = append(buf[:pos], append([]rune{r}, buf[pos:]...)...)
			pos++
			redraw()
		}
	}
}

// walk moves through the history: up (older) or down (newer); the line
// being typed is kept while walking.
func (e *lineEditor) walk(up bool, hist int, saved, cur string, set func(string)) (int, string) {
	if hist == len(e.history) {
		saved = cur
	}
	switch {
	case up && hist > 0:
		hist--
		set(e.history[hist])
	case !up && hist < len(e.history)-1:
		hist++
		set(e.history[hist])
	case !up && hist == len(e.history)-1:
		hist++
		set(saved)
	}
	return hist, saved
}

// escape reads the rest of an escape sequence and returns its key: 'A'
// up, 'B' down, 'C' right, 'D' left, 'H' home, 'F' end, '3' delete, 0
// for anything else.
func (e *lineEditor) escape() byte {
	b, err := e.in.ReadByte()
	if err != nil || (b != '[' && b != 'O') {
		return 0
	}
	var params []byte
	for {
		c, err := e.in.ReadByte()
		if err != nil {
			return 0
		}
		if c >= '0' && c <= '9' || c == ';' {
			params = append(params, c)
			continue
		}
		switch {
		case c == '~':
			switch string(params) {
			case "1", "7":
				return 'H'
			case "4", "8":
				return 'F'
			case "3":
				return '3'
			}
			return 0
		case strings.IndexByte("ABCDHF", c) >= 0:
			return c
		}
		return 0
	}
}

// readPlainLine reads one line without its line end (io.EOF only when
// nothing was read).
func readPlainLine(in *bufio.Reader) (string, error) {
	line, err := in.ReadString('\n')
	if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
		return "", err
	}
	line = strings.TrimSuffix(line, "\n")
	return strings.TrimSuffix(line, "\r"), nil
}
