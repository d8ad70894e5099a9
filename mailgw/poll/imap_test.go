package poll

import (
	"bytes"
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corral-tracker/corral/mailgw"
	"github.com/emersion/go-imap/v2"
)

// newTestIMAP returns a poller on m with short retry delays; resync and
// polling are an hour away, so that only IDLE (or a reconnect) brings
// news unless the test says otherwise.
func newTestIMAP(t *testing.T, h mailgw.Handler, addr string, edit func(*IMAPConfig)) *IMAP {
	t.Helper()
	cfg := IMAPConfig{
		Addr: addr, Username: testUser, Password: testPass,
		Security:       Plaintext,
		ResyncInterval: time.Hour,
		PollInterval:   time.Hour,
		RetryDeferred:  time.Hour,
		RetryMin:       20 * time.Millisecond,
		RetryMax:       200 * time.Millisecond,
	}
	if edit != nil {
		edit(&cfg)
	}
	p, err := NewIMAP(h, testLogger(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestIMAPIdleAppend appends messages while the poller IDLEs (RFC 2177):
// with re-sync and polling an hour away, only the EXISTS response can
// bring them in, and they are marked \Seen after the handler returned.
func TestIMAPIdleAppend(t *testing.T) {
	m := startMemIMAP(t, nil)
	rec := newRecorder()
	p := newTestIMAP(t, rec, m.addr, nil)
	runPoller(t, p.Run)
	c := imapTestClient(t, m.addr, nil, testUser, testPass)

	for i := 1; i <= 3; i++ {
		waitFor(t, "the poller to IDLE", func() bool { return m.idles.Load() >= int64(i) })
		id, raw := testMessage(i)
		start := time.Now()
		appendMessage(t, c, "INBOX", raw)
		waitFor(t, "the appended message to be handled", func() bool { return slices.Contains(rec.acceptedIDs(), id) })
		t.Logf("message %d handled %v after APPEND", i, time.Since(start).Round(time.Millisecond))
		waitFor(t, "\\Seen", func() bool { return hasFlag(mailboxState(t, c, "INBOX")[id], imap.FlagSeen) })
	}
	if s := p.Stats(); s.Accepted != 3 || s.Disposed != 3 || s.Connections != 1 || !s.Connected {
		t.Errorf("Stats() = %+v, want 3 accepted and disposed on 1 connection", s)
	}
	for _, env := range rec.envs {
		if env.Source != mailgw.SourceIMAP || env.Remote != testUser+"@"+m.addr+"/INBOX" {
			t.Errorf("envelope = %+v, want source imap, remote user@addr/INBOX", env)
		}
	}
}

// TestIMAPAfter checks each imap_after action, with and without the MOVE
// and UIDPLUS extensions (the COPY + \Deleted + EXPUNGE fallback).
func TestIMAPAfter(t *testing.T) {
	servers := []struct {
		name string
		caps imap.CapSet
	}{
		{"IMAP4rev1", nil},
		{"IMAP4rev2", imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}}},
	}
	for _, srv := range servers {
		for _, after := range []string{"seen", "delete", "move:Archive", "move:Tracker/Done"} {
			t.Run(srv.name+"/"+after, func(t *testing.T) {
				m := startMemIMAP(t, srv.caps)
				c := imapTestClient(t, m.addr, nil, testUser, testPass)
				var ids []string
				for i := 1; i <= 3; i++ {
					id, raw := testMessage(i)
					ids = append(ids, id)
					appendMessage(t, c, "INBOX", raw)
				}
				a, err := ParseAfter(after)
				if err != nil {
					t.Fatal(err)
				}
				rec := newRecorder()
				p := newTestIMAP(t, rec, m.addr, func(cfg *IMAPConfig) { cfg.After = a })
				runPoller(t, p.Run)
				waitFor(t, "all messages handled", func() bool { return len(rec.acceptedIDs()) == 3 })
				if got := rec.acceptedIDs(); !slices.Equal(got, ids) {
					t.Errorf("handled %v, want %v (UID order)", got, ids)
				}
				waitFor(t, "all disposed of", func() bool { return p.Stats().Disposed == 3 })
				inbox := mailboxState(t, c, "INBOX")
				switch a.Action {
				case AfterSeen:
					for _, id := range ids {
						if !hasFlag(inbox[id], imap.FlagSeen) {
							t.Errorf("INBOX %s flags = %v, want \\Seen", id, inbox[id])
						}
					}
				case AfterDelete:
					if len(inbox) != 0 {
						t.Errorf("INBOX = %v, want empty", inbox)
					}
				case AfterMove:
					if len(inbox) != 0 {
						t.Errorf("INBOX = %v, want empty", inbox)
					}
					if moved := mailboxState(t, c, a.Mailbox); len(moved) != 3 {
						t.Errorf("%s = %v, want the 3 messages", a.Mailbox, moved)
					}
				}
			})
		}
	}
}

// TestIMAPDeferredStaysUnseen: a deferred message is left unseen and is
// handed over again once RetryDeferred has passed; a refused one is
// disposed of like an accepted one.
func TestIMAPDeferredStaysUnseen(t *testing.T) {
	m := startMemIMAP(t, nil)
	c := imapTestClient(t, m.addr, nil, testUser, testPass)
	id1, raw1 := testMessage(1)
	id2, raw2 := testMessage(2)
	id3, raw3 := testMessage(3)
	for _, raw := range [][]byte{raw1, raw2, raw3} {
		appendMessage(t, c, "INBOX", raw)
	}
	var allow atomic.Bool
	rec := newRecorder()
	rec.decide = func(id string, attempt int) mailgw.Outcome {
		switch {
		case id == id1 && !allow.Load():
			return mailgw.Outcome{Status: mailgw.Deferred, Text: "database is locked"}
		case id == id3:
			return mailgw.Outcome{Status: mailgw.Refused, Text: "no permission"}
		}
		return mailgw.Outcome{Status: mailgw.Accepted}
	}
	p := newTestIMAP(t, rec, m.addr, func(cfg *IMAPConfig) { cfg.RetryDeferred = 300 * time.Millisecond })
	runPoller(t, p.Run)

	waitFor(t, "message 2 handled and seen", func() bool {
		return hasFlag(mailboxState(t, c, "INBOX")[id2], imap.FlagSeen)
	})
	waitFor(t, "message 1 deferred twice", func() bool { return rec.attempts(id1) >= 2 })
	state := mailboxState(t, c, "INBOX")
	if hasFlag(state[id1], imap.FlagSeen) {
		t.Errorf("deferred message flags = %v, want unseen", state[id1])
	}
	waitFor(t, "refused message 3 seen", func() bool { return hasFlag(mailboxState(t, c, "INBOX")[id3], imap.FlagSeen) })

	allow.Store(true)
	waitFor(t, "message 1 handled after the retry", func() bool { return slices.Contains(rec.acceptedIDs(), id1) })
	waitFor(t, "message 1 seen", func() bool { return hasFlag(mailboxState(t, c, "INBOX")[id1], imap.FlagSeen) })
	if got, want := rec.acceptedIDs(), []string{id2, id1}; !slices.Equal(got, want) {
		t.Errorf("accepted %v, want %v", got, want)
	}
	if s := p.Stats(); s.Refused != 1 || s.Deferred < 2 || s.Accepted != 2 {
		t.Errorf("Stats() = %+v, want 2 accepted, 1 refused, ≥2 deferred", s)
	}
}

// TestIMAPReconnect: the poller comes back after the server dropped every
// connection, and a message whose disposal was cut off by the drop is
// handed over again (the gateway reports it as a duplicate) and then
// marked, never posted twice.
func TestIMAPReconnect(t *testing.T) {
	m := startMemIMAP(t, nil)
	c := imapTestClient(t, m.addr, nil, testUser, testPass)
	id1, raw1 := testMessage(1)
	appendMessage(t, c, "INBOX", raw1)

	rec := newRecorder()
	var dropped atomic.Bool
	rec.decide = func(id string, attempt int) mailgw.Outcome {
		if id == id1 && !dropped.Swap(true) {
			m.restart() // the tracker committed; the connection dies before \Seen
		}
		return mailgw.Outcome{Status: mailgw.Accepted}
	}
	p := newTestIMAP(t, rec, m.addr, nil)
	runPoller(t, p.Run)

	waitFor(t, "message 1 handed over", func() bool { return rec.attempts(id1) >= 1 })
	c = imapTestClient(t, m.addr, nil, testUser, testPass) // the old one was dropped
	waitFor(t, "message 1 seen after the reconnect", func() bool {
		return hasFlag(mailboxState(t, c, "INBOX")[id1], imap.FlagSeen)
	})
	if n := rec.attempts(id1); n != 2 {
		t.Errorf("message 1 handed over %d times, want 2 (once more after the lost \\Seen)", n)
	}
	if got := rec.acceptedIDs(); !slices.Equal(got, []string{id1}) {
		t.Errorf("accepted %v, want [%s] once", got, id1)
	}

	waitFor(t, "the poller to IDLE again", func() bool { return p.Stats().Connected && m.idles.Load() >= 1 })
	id2, raw2 := testMessage(2)
	appendMessage(t, c, "INBOX", raw2)
	waitFor(t, "message 2 handled", func() bool { return slices.Contains(rec.acceptedIDs(), id2) })
	s := p.Stats()
	if s.Connections < 2 || s.DisposeFailures != 1 || s.Duplicates != 1 {
		t.Errorf("Stats() = %+v, want ≥2 connections, 1 dispose failure, 1 duplicate", s)
	}
}

// TestIMAPUIDValidity: when the mailbox is re-created (new UIDVALIDITY,
// UIDs start again at 1), the watermark is reset, so a message appended
// later with a small UID is still found by the incremental search after
// IDLE.
func TestIMAPUIDValidity(t *testing.T) {
	m := startMemIMAP(t, nil)
	c := imapTestClient(t, m.addr, nil, testUser, testPass)
	for i := 1; i <= 3; i++ {
		_, raw := testMessage(i)
		appendMessage(t, c, "INBOX", raw)
	}
	rec := newRecorder()
	p := newTestIMAP(t, rec, m.addr, nil)
	runPoller(t, p.Run)
	waitFor(t, "3 messages handled", func() bool { return p.Stats().Disposed == 3 })

	m.stop()
	if err := m.user.Delete("INBOX"); err != nil {
		t.Fatal(err)
	}
	if err := m.user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	idles := m.idles.Load()
	m.start(m.addr)
	waitFor(t, "the poller to reconnect and IDLE", func() bool { return m.idles.Load() > idles })
	c = imapTestClient(t, m.addr, nil, testUser, testPass)
	id, raw := testMessage(4)
	appendMessage(t, c, "INBOX", raw)
	waitFor(t, "the message with UID 1 of the new mailbox", func() bool { return slices.Contains(rec.acceptedIDs(), id) })
}

// TestIMAPOnce handles what is there and reports deferrals.
func TestIMAPOnce(t *testing.T) {
	m := startMemIMAP(t, nil)
	c := imapTestClient(t, m.addr, nil, testUser, testPass)
	id1, raw1 := testMessage(1)
	_, raw2 := testMessage(2)
	appendMessage(t, c, "INBOX", raw1)
	appendMessage(t, c, "INBOX", raw2)
	rec := newRecorder()
	rec.decide = func(id string, attempt int) mailgw.Outcome {
		if id == id1 && attempt == 1 {
			return mailgw.Outcome{Status: mailgw.Deferred}
		}
		return mailgw.Outcome{Status: mailgw.Accepted}
	}
	p := newTestIMAP(t, rec, m.addr, nil)
	ctx := context.Background()
	if err := p.Once(ctx); err != ErrDeferred {
		t.Fatalf("first Once() = %v, want ErrDeferred", err)
	}
	if err := p.Once(ctx); err != nil {
		t.Fatalf("second Once() = %v, want nil", err)
	}
	if len(rec.acceptedIDs()) != 2 {
		t.Errorf("accepted %v, want both", rec.acceptedIDs())
	}
	if err := p.Once(ctx); err != nil || p.Stats().Received != 3 {
		t.Errorf("third Once() = %v, received %d, want nil and nothing new", err, p.Stats().Received)
	}
}

// TestIMAPBadLogin: wrong credentials are retried with backoff, counted,
// and Run still returns when cancelled.
func TestIMAPBadLogin(t *testing.T) {
	m := startMemIMAP(t, nil)
	p := newTestIMAP(t, newRecorder(), m.addr, func(cfg *IMAPConfig) { cfg.Password = "wrong" })
	runPoller(t, p.Run)
	waitFor(t, "two failed logins", func() bool { return p.Stats().ConnectFailures >= 2 })
	if err := p.Once(context.Background()); err == nil {
		t.Errorf("Once() with a wrong password = nil, want an error")
	}
}

// TestIMAPTwoPollers: two pollers on one mailbox may both hand a message
// over; the gateway's Message-ID dedup (the recorder's here) keeps every
// message posted once, and every message ends up \Seen.
func TestIMAPTwoPollers(t *testing.T) {
	m := startMemIMAP(t, nil)
	c := imapTestClient(t, m.addr, nil, testUser, testPass)
	rec := newRecorder()
	p1 := newTestIMAP(t, rec, m.addr, nil)
	p2 := newTestIMAP(t, rec, m.addr, nil)
	runPoller(t, p1.Run)
	runPoller(t, p2.Run)
	waitFor(t, "both pollers to IDLE", func() bool { return m.idles.Load() >= 2 })
	var ids []string
	for i := 1; i <= 30; i++ {
		id, raw := testMessage(i)
		ids = append(ids, id)
		appendMessage(t, c, "INBOX", raw)
	}
	var unseen []string
	defer func() {
		if t.Failed() { // what to look at if a wake-up was ever lost
			t.Logf("unseen %v; posted %d; poller stats %+v and %+v", unseen, len(rec.acceptedIDs()), p1.Stats(), p2.Stats())
		}
	}()
	waitFor(t, "all seen", func() bool {
		state := mailboxState(t, c, "INBOX")
		unseen = unseen[:0]
		for _, id := range ids {
			if !hasFlag(state[id], imap.FlagSeen) {
				unseen = append(unseen, id)
			}
		}
		return len(unseen) == 0
	})
	got := rec.acceptedIDs()
	slices.Sort(got)
	want := slices.Clone(ids)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("posted %v, want each of %v once", got, want)
	}
	s1, s2 := p1.Stats(), p2.Stats()
	t.Logf("poller 1: %d accepted (%d duplicates); poller 2: %d accepted (%d duplicates)", s1.Accepted, s1.Duplicates, s2.Accepted, s2.Duplicates)
	if s1.Accepted+s2.Accepted-s1.Duplicates-s2.Duplicates != 30 {
		t.Errorf("first acceptances = %d, want 30", s1.Accepted+s2.Accepted-s1.Duplicates-s2.Duplicates)
	}
}

// TestIMAPShutdownFinishesMessage: cancelling Run while the handler works
// on a message lets it finish; the message is then marked \Seen before
// Run returns.
func TestIMAPShutdownFinishesMessage(t *testing.T) {
	m := startMemIMAP(t, nil)
	c := imapTestClient(t, m.addr, nil, testUser, testPass)
	id, raw := testMessage(1)
	appendMessage(t, c, "INBOX", raw)

	entered, release := make(chan struct{}), make(chan struct{})
	rec := newRecorder()
	rec.decide = func(string, int) mailgw.Outcome {
		close(entered)
		<-release
		return mailgw.Outcome{Status: mailgw.Accepted}
	}
	p := newTestIMAP(t, rec, m.addr, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	<-entered
	cancel()
	select {
	case err := <-done:
		t.Fatalf("Run returned (%v) while the handler was working", err)
	default:
	}
	close(release)
	if err := <-done; err != nil {
		t.Errorf("Run() = %v, want nil", err)
	}
	if !hasFlag(mailboxState(t, c, "INBOX")[id], imap.FlagSeen) {
		t.Errorf("the message handled during shutdown is not \\Seen")
	}
}

// TestIMAPTooLarge: a message over MaxMessageBytes is left unseen and
// does not hold up the others.
func TestIMAPTooLarge(t *testing.T) {
	m := startMemIMAP(t, nil)
	c := imapTestClient(t, m.addr, nil, testUser, testPass)
	id1, raw1 := testMessage(1)
	id2, raw2 := testMessage(2)
	raw2 = append(raw2, bytes.Repeat([]byte("0123456789abcdef0123456789abcdef\r\n"), 200)...)
	id3, raw3 := testMessage(3)
	for _, raw := range [][]byte{raw1, raw2, raw3} {
		appendMessage(t, c, "INBOX", raw)
	}
	rec := newRecorder()
	p := newTestIMAP(t, rec, m.addr, func(cfg *IMAPConfig) { cfg.MaxMessageBytes = 4096 })
	if err := p.Once(context.Background()); err != nil {
		t.Fatalf("Once() = %v", err)
	}
	if got := rec.acceptedIDs(); !slices.Equal(got, []string{id1, id3}) {
		t.Errorf("handled %v, want %v", got, []string{id1, id3})
	}
	if hasFlag(mailboxState(t, c, "INBOX")[id2], imap.FlagSeen) {
		t.Errorf("the big message was marked \\Seen")
	}
}
