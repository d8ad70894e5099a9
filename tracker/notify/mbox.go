package notify

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Mbox is the `[mail] debug = FILE` transport (DESIGN.md §2): every mail
// is appended to FILE in mbox format instead of being sent — a
// "From SENDER DATE" line, an "X-Corral-Envelope-To: rcpt1, rcpt2"
// header, the message with ">From " escaping (mboxrd), a blank line.
// Appends are locked (flock) so several processes can share the file.
type Mbox struct {
	Path string
	Now  func() time.Time
	mu   sync.Mutex
}

// Send appends the message.
func (m *Mbox) Send(_ context.Context, from string, to []string, msg []byte) error {
	now := time.Now
	if m.Now != nil {
		now = m.Now
	}
	var b bytes.Buffer
	sender := from
	if sender == "" {
		sender = "MAILER-DAEMON"
	}
	fmt.Fprintf(&b, "From %s %s\n", sender, now().UTC().Format(time.ANSIC))
	fmt.Fprintf(&b, "X-Corral-Envelope-To: %s\n", strings.Join(to, ", "))
	for _, line := range bytes.SplitAfter(bytes.ReplaceAll(msg, []byte("\r\n"), []byte("\n")), []byte("\n")) {
		if isFromLine(line) {
			b.WriteByte('>')
		}
		b.Write(line)
	}
	if !bytes.HasSuffix(b.Bytes(), []byte("\n")) {
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	m.mu.Lock()
	defer m.mu.Unlock()
	f, err := os.OpenFile(m.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return &SendError{Temporary: true, Err: fmt.Errorf("opening mail debug file: %w", err)}
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return &SendError{Temporary: true, Err: fmt.Errorf("locking mail debug file: %w", err)}
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	if _, err := f.Write(b.Bytes()); err != nil {
		return &SendError{Temporary: true, Err: fmt.Errorf("writing mail debug file: %w", err)}
	}
	return nil
}

// isFromLine: mboxrd escapes lines matching ^>*From .
func isFromLine(line []byte) bool {
	line = bytes.TrimLeft(line, ">")
	return bytes.HasPrefix(line, []byte("From "))
}

// Close does nothing.
func (m *Mbox) Close() error { return nil }
