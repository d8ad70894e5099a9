package poll

import (
	"bytes"
	"crypto/tls"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/corral-tracker/corral/mailgw/poll/internal/dovecottest"
)

// memIMAP is go-imap's in-memory IMAP server on 127.0.0.1, restartable on
// the same port with the same mailboxes.
type memIMAP struct {
	t     *testing.T
	addr  string
	caps  imap.CapSet
	mem   *imapmemserver.Server
	user  *imapmemserver.User
	idles atomic.Int64 // IDLE commands seen

	mu  sync.Mutex
	srv *imapserver.Server
}

// The account of the test servers (dovecottest has the same).
const testUser, testPass = dovecottest.User, dovecottest.Password

// startMemIMAP starts the server with caps (IMAP4rev1 only, i.e. without
// MOVE and UIDPLUS, when nil) and mailboxes INBOX and Archive.
func startMemIMAP(t *testing.T, caps imap.CapSet) *memIMAP {
	t.Helper()
	if caps == nil {
		caps = imap.CapSet{imap.CapIMAP4rev1: {}}
	}
	m := &memIMAP{t: t, caps: caps, mem: imapmemserver.New()}
	m.user = imapmemserver.NewUser(testUser, testPass)
	for _, mbox := range []string{"INBOX", "Archive"} {
		if err := m.user.Create(mbox, nil); err != nil {
			t.Fatal(err)
		}
	}
	m.mem.AddUser(m.user)
	m.start("127.0.0.1:0")
	t.Cleanup(m.stop)
	return m
}

// idleWatcher counts IDLE commands in the server's debug stream.
type idleWatcher struct{ n *atomic.Int64 }

func (w idleWatcher) Write(b []byte) (int, error) {
	w.n.Add(int64(bytes.Count(b, []byte(" IDLE\r\n"))))
	return len(b), nil
}

func (m *memIMAP) start(addr string) {
	m.t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		m.t.Fatal(err)
	}
	m.addr = ln.Addr().String()
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return m.mem.NewSession(), nil, nil
		},
		Caps:         m.caps,
		InsecureAuth: true,
		DebugWriter:  idleWatcher{&m.idles},
		Logger:       discardLogger{},
	})
	m.mu.Lock()
	m.srv = srv
	m.mu.Unlock()
	go srv.Serve(ln)
}

func (m *memIMAP) stop() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.srv != nil {
		m.srv.Close()
		m.srv = nil
	}
}

// restart drops every connection and listens again on the same port.
func (m *memIMAP) restart() {
	m.stop()
	m.start(m.addr)
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}

// imapTestClient logs in to addr for setting up and checking mailboxes.
func imapTestClient(t *testing.T, addr string, tlsConfig *tls.Config, user, pass string) *imapclient.Client {
	t.Helper()
	var c *imapclient.Client
	var err error
	if tlsConfig != nil {
		c, err = imapclient.DialTLS(addr, &imapclient.Options{TLSConfig: tlsConfig})
	} else {
		c, err = imapclient.DialInsecure(addr, nil)
	}
	if err != nil {
		t.Fatalf("dialing %s: %v", addr, err)
	}
	if err := c.Login(user, pass).Wait(); err != nil {
		t.Fatalf("login: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// appendMessage APPENDs raw to mailbox.
func appendMessage(t *testing.T, c *imapclient.Client, mailbox string, raw []byte) {
	t.Helper()
	cmd := c.Append(mailbox, int64(len(raw)), nil)
	if _, err := cmd.Write(raw); err != nil {
		t.Fatalf("APPEND: %v", err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatalf("APPEND: %v", err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatalf("APPEND: %v", err)
	}
}

// mailboxState returns Message-ID → flags of every message in mailbox
// (EXAMINE, so nothing changes).
func mailboxState(t *testing.T, c *imapclient.Client, mailbox string) map[string][]imap.Flag {
	t.Helper()
	data, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatalf("EXAMINE %s: %v", mailbox, err)
	}
	state := map[string][]imap.Flag{}
	if data.NumMessages == 0 {
		return state
	}
	var all imap.SeqSet
	all.AddRange(1, 0)
	msgs, err := c.Fetch(all, &imap.FetchOptions{Envelope: true, Flags: true}).Collect()
	if err != nil {
		t.Fatalf("FETCH: %v", err)
	}
	for _, m := range msgs {
		state["<"+strings.Trim(m.Envelope.MessageID, "<>")+">"] = m.Flags
	}
	return state
}

func hasFlag(flags []imap.Flag, f imap.Flag) bool {
	for _, g := range flags {
		if strings.EqualFold(string(g), string(f)) {
			return true
		}
	}
	return false
}
