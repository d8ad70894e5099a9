// Command irk sends a message to an IRC channel through irkerd, like
// irker's irk(1):
//
//	irk [-s HOST:PORT] URL MESSAGE...
//
// URL is an irc:// or ircs:// URL (irkerd's URL rules); anything without
// "irc:" or "ircs:" is taken as a channel on irk's default network,
// irc://chat.freenode.net/. The words of MESSAGE are joined with spaces; a
// MESSAGE of "-" sends each line of standard input as its own request over
// one connection; a longer message goes out in pieces of 511 characters,
// one connection each — all as irk does. Each request is one irker JSON
// object (ASCII, \u escapes, as Python's json.dumps writes it) followed by
// a newline.
//
// -s names the daemon; irk has it fixed at localhost:6659.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"
	"unicode/utf16"
)

// defaultBase is irk's prefix for a bare channel name.
const defaultBase = "irc://chat.freenode.net/"

// chunkSize is irk's piece size: "The actual IRC limit is 512. Avoid any
// off-by-ones".
const chunkSize = 511

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "irk:", err)
		os.Exit(1)
	}
}

// run is irk; it returns the error to print after "irk: ".
func run(args []string, stdin io.Reader, stderr io.Writer) error {
	fs := flag.NewFlagSet("irk", flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := fs.String("s", "localhost:6659", "irkerd `HOST:PORT`")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: irk [-s HOST:PORT] URL MESSAGE...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() < 1 {
		return errors.New("a URL argument is required")
	}
	target := fs.Arg(0)
	if !strings.Contains(target, "irc:") && !strings.Contains(target, "ircs:") {
		target = defaultBase + target
	}
	message := strings.Join(fs.Args()[1:], " ")

	if message == "-" {
		return send(*server, func(w io.Writer) error {
			sc := bufio.NewScanner(stdin)
			sc.Buffer(make([]byte, 64*1024), 1<<20)
			for sc.Scan() {
				if _, err := io.WriteString(w, encodeRequest(target, sc.Text())); err != nil {
					return err
				}
			}
			return sc.Err()
		})
	}
	for _, piece := range chunks(message, chunkSize) {
		err := send(*server, func(w io.Writer) error {
			_, err := io.WriteString(w, encodeRequest(target, piece))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// send connects to irkerd, lets write send requests, and closes.
func send(server string, write func(io.Writer) error) error {
	c, err := net.DialTimeout("tcp", server, 10*time.Second)
	if err != nil {
		return fmt.Errorf("write to server failed: %w", err)
	}
	defer c.Close()
	c.SetWriteDeadline(time.Now().Add(30 * time.Second))
	if err := write(c); err != nil {
		return fmt.Errorf("write to server failed: %w", err)
	}
	return c.Close()
}

// chunks cuts s into pieces of n characters (code points, as Python's
// slicing); an empty s gives none, so irk sends nothing.
func chunks(s string, n int) []string {
	var out []string
	r := []rune(s)
	for len(r) > 0 {
		k := min(n, len(r))
		out = append(out, string(r[:k]))
		r = r[k:]
	}
	return out
}

// encodeRequest writes {"to": target, "privmsg": message} exactly as
// Python's json.dumps does (ensure_ascii, ", " and ": "), plus a newline.
func encodeRequest(target, message string) string {
	var b strings.Builder
	b.WriteString(`{"to": `)
	writeString(&b, target)
	b.WriteString(`, "privmsg": `)
	writeString(&b, message)
	b.WriteString("}\n")
	return b.String()
}

func writeString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			switch {
			case r >= ' ' && r <= '~':
				b.WriteRune(r)
			case r > 0xffff:
				r1, r2 := utf16.EncodeRune(r)
				fmt.Fprintf(b, `\u%04x\u%04x`, r1, r2)
			default:
				fmt.Fprintf(b, `\u%04x`, r)
			}
		}
	}
	b.WriteByte('"')
}
