package mailgw

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// MboxMessage is one message of an mbox file.
type MboxMessage struct {
	// From is the envelope sender of the "From " line ("" if it has
	// none); Data is the message with ">From " lines unescaped.
	From string
	Data []byte
}

// SplitMbox splits mbox data at lines starting with "From " (as
// Python's mailbox.mbox, which Roundup uses, does) and undoes mboxrd
// escaping (">From " loses one '>'). Text before the first "From " line
// is a message of its own when it is not blank.
func SplitMbox(data []byte) []MboxMessage {
	var out []MboxMessage
	var cur *MboxMessage
	var body bytes.Buffer
	flush := func() {
		if cur != nil {
			cur.Data = bytes.TrimSuffix(append([]byte(nil), body.Bytes()...), []byte("\n"))
			cur.Data = append(cur.Data, '\n')
			out = append(out, *cur)
		} else if len(bytes.TrimSpace(body.Bytes())) > 0 {
			out = append(out, MboxMessage{Data: append([]byte(nil), body.Bytes()...)})
		}
		body.Reset()
	}
	for pos := 0; pos < len(data); {
		end := lineEnd(data, pos)
		line := data[pos:end]
		pos = end
		if bytes.HasPrefix(line, []byte("From ")) {
			flush()
			cur = &MboxMessage{From: envelopeSender(line)}
			continue
		}
		if escapedFrom.Match(line) {
			line = line[1:]
		}
		body.Write(line)
	}
	flush()
	return out
}

var escapedFrom = regexp.MustCompile(`^>+From `)

func envelopeSender(line []byte) string {
	f := strings.Fields(string(line))
	if len(f) < 2 || f[1] == "MAILER-DAEMON" {
		return ""
	}
	return f[1]
}

// MboxResult counts what ProcessMbox did.
type MboxResult struct {
	Handled  int // accepted (created, updated, dropped, bounced)
	Refused  int // refused without a bounce (never for mbox: counted as handled)
	Deferred int // kept in the file for another run
}

// ProcessMbox hands every message of the mbox file at path to h (source
// "mbox") and removes the handled ones from the file, as roundup-mailgw's
// mailbox mode does — except that a message deferred by a temporary
// failure stays in the file for the next run (Roundup removes every
// message, handled or not). The file is locked against MTAs meanwhile
// (PATH.lock dot-lock and flock); mail they append after it was read is
// kept. The rewrite goes through a temporary file and a rename, so a
// crash leaves either the old or the new file, never a truncated one;
// messages already handled are recognised by their Message-Id on the
// next run and not applied twice.
func ProcessMbox(ctx context.Context, h Handler, path string) (MboxResult, error) {
	var res MboxResult
	unlock, err := lockMbox(path)
	if err != nil {
		return res, err
	}
	defer unlock()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return res, fmt.Errorf("opening mailbox: %w", err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return res, fmt.Errorf("locking mailbox: %w", err)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return res, fmt.Errorf("reading mailbox: %w", err)
	}
	var kept bytes.Buffer
	for _, m := range SplitMbox(data) {
		if ctx.Err() != nil {
			writeMboxMessage(&kept, m)
			res.Deferred++
			continue
		}
		out := h.Handle(ctx, Envelope{From: m.From, Source: SourceMbox, Remote: path}, m.Data)
		switch out.Status {
		case Deferred:
			writeMboxMessage(&kept, m)
			res.Deferred++
		case Refused:
			res.Refused++
		default:
			res.Handled++
		}
	}
	// Mail appended by an MTA that ignores our locks while we worked.
	if tail, err := io.ReadAll(f); err == nil {
		kept.Write(tail)
	}
	if kept.Len() == 0 {
		if err := f.Truncate(0); err != nil {
			return res, fmt.Errorf("emptying mailbox: %w", err)
		}
		return res, nil
	}
	return res, replaceFile(path, f, kept.Bytes())
}

// writeMboxMessage appends a message in mboxrd form.
func writeMboxMessage(w *bytes.Buffer, m MboxMessage) {
	from := m.From
	if from == "" {
		from = "MAILER-DAEMON"
	}
	fmt.Fprintf(w, "From %s %s\n", from, time.Now().UTC().Format(time.ANSIC))
	for pos := 0; pos < len(m.Data); {
		end := lineEnd(m.Data, pos)
		line := m.Data[pos:end]
		if bytes.HasPrefix(line, []byte("From ")) || escapedFrom.Match(line) {
			w.WriteByte('>')
		}
		w.Write(line)
		pos = end
	}
	if !bytes.HasSuffix(m.Data, []byte("\n")) {
		w.WriteByte('\n')
	}
	w.WriteByte('\n')
}

// replaceFile writes data to a temporary file beside path with path's
// mode and renames it over path.
func replaceFile(path string, old *os.File, data []byte) error {
	st, err := old.Stat()
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".corral-*")
	if err != nil {
		return fmt.Errorf("rewriting mailbox: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("rewriting mailbox: %w", err)
	}
	if err := tmp.Chmod(st.Mode().Perm()); err != nil {
		tmp.Close()
		return fmt.Errorf("rewriting mailbox: %w", err)
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		_ = tmp.Chown(int(sys.Uid), int(sys.Gid)) // only root may; best effort
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("rewriting mailbox: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("rewriting mailbox: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rewriting mailbox: %w", err)
	}
	return nil
}

// lockMbox takes the PATH.lock dot-lock MTAs use (waiting up to 30 s;
// a lock older than 10 minutes is stale).
func lockMbox(path string) (func(), error) {
	lock := path + ".lock"
	deadline := time.Now().Add(30 * time.Second)
	for {
		f, err := os.OpenFile(lock, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err == nil {
			fmt.Fprintf(f, "%d\n", os.Getpid())
			f.Close()
			return func() { os.Remove(lock) }, nil
		}
		if !errors.Is(err, os.ErrExist) {
			// A directory we may not write to: rely on flock alone.
			if errors.Is(err, os.ErrPermission) {
				return func() {}, nil
			}
			return nil, fmt.Errorf("locking mailbox: %w", err)
		}
		if st, err := os.Stat(lock); err == nil && time.Since(st.ModTime()) > 10*time.Minute {
			os.Remove(lock)
			continue
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("locking mailbox: %s is held by another process", lock)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
