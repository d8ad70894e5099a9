package web

import (
	"context"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corral-tracker/corral/internal/testtracker"
	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/notify"
)

// Shared by the accounts, unsubscribe, email-me and classify tests: a
// site with a mailer whose outbox is drained into a capturing transport.

type sentMail struct {
	From string
	To   []string
	Data string
}

// Header returns a header field of the mail, unfolded.
func (m sentMail) Header(name string) string {
	head, _, _ := strings.Cut(m.Data, "\n\n")
	head = strings.NewReplacer("\n ", " ", "\n\t", " ").Replace(head)
	for _, l := range strings.Split(head, "\n") {
		if v, ok := strings.CutPrefix(l, name+": "); ok {
			return v
		}
	}
	return ""
}

// Subject returns the mail's Subject header.
func (m sentMail) Subject() string { return m.Header("Subject") }

type mailbox struct {
	mu    sync.Mutex
	mails []sentMail
}

func (b *mailbox) Send(_ context.Context, from string, to []string, msg []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.mails = append(b.mails, sentMail{from, append([]string(nil), to...), string(msg)})
	return nil
}

func (b *mailbox) Close() error { return nil }

type acctEnv struct {
	*env
	site   *Site
	box    *mailbox
	worker interface {
		Drain(context.Context) (int, error)
	}
	clock time.Time
}

const testSecret = "test-secret-key"

func newAcctEnv(t *testing.T, mod func(*Config)) *acctEnv {
	t.Helper()
	tt := testtracker.New(t, testtracker.Options{SkipDetectors: []string{"irker"}})
	box := &mailbox{}
	m := notify.NewMailer(tt.Svc, notify.Config{TrackerName: "Test tracker", TrackerWeb: "http://localhost/tracker/",
		TrackerEmail: "issues@example.com", AdminEmail: "admin@example.com", Domain: "example.com", SecretKey: testSecret}, box, nil)
	cfg := Config{Name: "tracker", TrackerName: "Test tracker", Web: "http://localhost/tracker/", Email: "issues@example.com",
		SecretKey: testSecret, HTTPAuth: true, LoginAttemptsPerMin: 100}
	if mod != nil {
		mod(&cfg)
	}
	site, err := NewSite(cfg, tt.Svc, m, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := &acctEnv{site: site, box: box, worker: notify.NewWorker(m, "test"), clock: time.Now()}
	site.now = func() time.Time { return e.clock }
	srv := httptest.NewServer(NewServer([]*Site{site}, nil))
	t.Cleanup(srv.Close)
	e.env = &env{tt: tt, srv: srv}
	return e
}

// mails delivers the outbox and returns (and forgets) what was sent to
// addr, or everything for "".
func (e *acctEnv) mails(t *testing.T, addr string) []sentMail {
	t.Helper()
	if _, err := e.worker.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.box.mu.Lock()
	defer e.box.mu.Unlock()
	var out, rest []sentMail
	for _, m := range e.box.mails {
		if addr == "" || strings.Join(m.To, ",") == addr {
			out = append(out, m)
		} else {
			rest = append(rest, m)
		}
	}
	e.box.mails = rest
	return out
}

var (
	stampRE = regexp.MustCompile(`name="opaqueregister" value="([^"]+)"`)
	otkRE   = regexp.MustCompile(`http://localhost(/tracker/\?@action=(?:confrego|passrst)&otk=[a-z0-9]+)`)
)

// linkIn finds the one-time-key link of an account mail as a path.
func linkIn(t *testing.T, m sentMail) string {
	t.Helper()
	g := otkRE.FindStringSubmatch(m.Data)
	if g == nil {
		t.Fatalf("no one-time-key link in:\n%s", m.Data)
	}
	return g[1]
}

// user returns a user by name, or nil.
func (e *acctEnv) user(t *testing.T, name string) *tracker.Item {
	t.Helper()
	var it *tracker.Item
	e.tt.Svc.Read(context.Background(), tracker.AdminID, func(tx *tracker.Tx) error {
		id, err := tx.Lookup("user", name)
		if err != nil {
			return nil
		}
		it, err = tx.Get("user", id)
		return err
	})
	return it
}
