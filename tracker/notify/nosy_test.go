package notify

import (
	"bytes"
	"fmt"
	"io"
	"mime/quotedprintable"
	"slices"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

// body decodes a single-part quoted-printable mail body.
func body(t *testing.T, data []byte) string {
	t.Helper()
	_, b, ok := bytes.Cut(data, []byte("\n\n"))
	if !ok {
		t.Fatalf("no body in %q", data)
	}
	out, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(b)))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// sig is the signature block; Roundup's join leaves an empty line
// before it (§18.5).
const sig = "\n\n_______________________________________\nPython tracker <issues@tracker.example>\n<https://tracker.example/issue1>\n_______________________________________"

// TestReplyNotification follows specs/mailgw.md §18.5 (case 05): bob's
// reply on alice's issue, the copy sent to alice.
func TestReplyNotification(t *testing.T) {
	tt := newTracker(t, map[string]string{"add_author": "yes"}, nil)
	iss := tt.post(t, "alice", "", "json.loads raises RecursionError.", "<fixture-msg1@example.com>", tracker.Values{
		"title": "json.loads crashes on deeply nested input", "type": "1", "components": []string{"12"}, "versions": []string{"3"}})
	tt.drain(t)
	tt.cap.mails = nil
	tt.post(t, "bob", iss, "I can reproduce this on 3.12.\nA patch follows.", "<05-reply.c0ffee@bob.example.com>", nil)
	tt.drain(t)
	got := tt.cap.to("alice@example.com")
	if len(got) != 1 {
		t.Fatalf("alice got %d mails, want 1 (all: %d)", len(got), len(tt.cap.mails))
	}
	m := got[0]
	if m.from != "roundup-admin@tracker.example" || !slices.Equal(m.to, []string{"alice@example.com"}) {
		t.Errorf("envelope = %q -> %v, want roundup-admin@tracker.example -> [alice@example.com]", m.from, m.to)
	}
	for _, h := range []struct{ name, want string }{
		{"From", "bob <issues@tracker.example>"},
		{"To", "alice@example.com"},
		{"Subject", "[issue1] json.loads crashes on deeply nested input"},
		{"Reply-To", "Python tracker <issues@tracker.example>"},
		{"Message-Id", "<05-reply.c0ffee@bob.example.com>"},
		{"In-Reply-To", "<fixture-msg1@example.com>"},
		{"X-Roundup-issue-type", "crash"},
		{"X-Roundup-issue-components", "Library (Lib)"},
		{"X-Roundup-issue-versions", "Python 2.7"},
		{"X-Roundup-issue-status", "open"},
		{"X-Roundup-issue-priority", "normal"},
		{"X-Roundup-issue-Id", "1"},
		{"X-Roundup-Name", "Python tracker"},
		{"X-Roundup-Loop", "hello"},
		{"X-Roundup-Version", "2.6.0"},
		{"Precedence", "bulk"},
		{"Date", "Wed, 25 Nov 2026 15:29:41 +0000"},
		{"MIME-Version", "1.0"},
		{"Content-Type", `text/plain; charset="utf-8"`},
		{"Content-Transfer-Encoding", "quoted-printable"},
		{"List-Id", "Python tracker <issues.tracker.example>"},
		{"X-Corral-Reason", "nosy"},
		{"Cc", ""},
		{"X-Roundup-issue-nosy", ""},
		{"X-Roundup-issue-assignee", ""},
	} {
		if g := header(m.data, h.name); g != h.want {
			t.Errorf("header %s = %q, want %q", h.name, g, h.want)
		}
	}
	if !bytes.Contains(m.data, []byte("\nX-Roundup-issue-type: crash\n")) {
		t.Error("X-Roundup header name lost its lower-case class name")
	}
	// The change note lists what auditors did too: add_author put bob on
	// the nosy list (§19); the quiet counters stay out.
	want := "\nbob <bob@example.com> added the comment:\n\nI can reproduce this on 3.12.\nA patch follows.\n\n----------\nnosy: +bob" + sig
	if b := body(t, m.data); b != want {
		t.Errorf("body =\n%q\nwant\n%q", b, want)
	}
	// Recipients are recorded on the msg; the author is not mailed
	// (messages_to_author = no) and carol has no address.
	if n := len(tt.cap.mails); n != 1 {
		t.Errorf("%d mails sent, want 1 (alice only)", n)
	}
	tt.svc.Read(tt.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		m, _ := tx.Get("msg", "2")
		if got := m.IDs("recipients"); !slices.Equal(got, []string{tt.user(t, "alice")}) {
			t.Errorf("msg2.recipients = %v, want [alice]", got)
		}
		return nil
	})
}

func TestNewSubmissionCreateNote(t *testing.T) {
	tt := newTracker(t, map[string]string{"add_author": "yes"}, nil)
	tt.svc.Update(tt.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		return tx.Set("user", tt.user(t, "bob"), tracker.Values{"realname": "Bork, Chef"})
	})
	tt.post(t, "alice", "", "Line one\nline two", "", tracker.Values{
		"title": "first", "type": "1", "components": []string{"12", "3"}, "nosy": []string{tt.user(t, "bob")}})
	tt.drain(t)
	got := tt.cap.to("bob@example.com")
	if len(got) != 1 {
		t.Fatalf("bob got %d mails, want 1", len(got))
	}
	want := "\nNew submission from alice <alice@example.com>:\n\nLine one\nline two\n\n----------\n" +
		"components: Build, Library (Lib)\nmessages: 1\nnosy: alice, bob\npriority: normal\nseverity: normal\nstatus: open\n" +
		"title: first\ntype: crash" + sig
	if b := body(t, got[0].data); b != want {
		t.Errorf("body =\n%s\nwant\n%s", b, want)
	}
	// A generated Message-Id is stored on the msg and used for every copy.
	id := header(got[0].data, "Message-Id")
	if !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, ".issue1@tracker.example>") {
		t.Errorf("generated Message-Id %q", id)
	}
	tt.svc.Read(tt.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		m, _ := tx.Get("msg", "1")
		if m.Str("messageid") != id {
			t.Errorf("msg1.messageid = %q, want %q", m.Str("messageid"), id)
		}
		return nil
	})
	if h := header(got[0].data, "In-Reply-To"); h != "" {
		t.Errorf("first message has In-Reply-To %q", h)
	}
}

func TestChangeNoteFormats(t *testing.T) {
	tt := newTracker(t, nil, nil)
	alice, bob := tt.user(t, "alice"), tt.user(t, "bob")
	iss := tt.post(t, "bob", "", "start", "", tracker.Values{"title": "one\ntwo", "nosy": []string{alice, bob},
		"keywords": []string{"3"}})
	tt.drain(t)
	tt.cap.mails = nil
	tt.post(t, "bob", iss, "changing", "", tracker.Values{"title": "one\nthree", "assignee": bob, "status": "2",
		"keywords": []string{"5", "1"}, "nosy_count": 99.0})
	tt.drain(t)
	got := tt.cap.to("alice@example.com")
	if len(got) != 1 {
		t.Fatalf("alice got %d mails, want 1", len(got))
	}
	b := body(t, got[0].data)
	want := "----------\nassignee:  -> bob\nkeywords: +26backport, patch -easy\nstage:  -> resolved\nstatus: open -> closed\ntitle: \nNow:\n  one\n  three\nWas:\n  one\n  two" + sig
	if !strings.HasSuffix(b, want) {
		t.Errorf("change note =\n%s\nwant suffix\n%s", b, want)
	}
	if strings.Contains(b, "nosy_count") || strings.Contains(b, "messages:") {
		t.Errorf("change note lists a hidden property:\n%s", b)
	}
}

func TestRecipientRules(t *testing.T) {
	cases := []struct {
		toAuthor    string
		bobCreates  bool
		wantBobCopy int
	}{
		{"no", false, 0}, {"yes", false, 1}, {"new", false, 0}, {"nosy", false, 1},
		{"no", true, 0}, {"yes", true, 1}, {"new", true, 1}, {"nosy", true, 1},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/creates=%v", c.toAuthor, c.bobCreates), func(t *testing.T) {
			tt := newTracker(t, map[string]string{"messages_to_author": c.toAuthor, "add_author": "yes"}, nil)
			if c.bobCreates {
				tt.post(t, "bob", "", "reply", "", tracker.Values{"title": "t"})
			} else {
				iss := tt.post(t, "alice", "", "hi", "", tracker.Values{"title": "t"})
				tt.drain(t)
				tt.post(t, "bob", iss, "reply", "", nil)
			}
			tt.drain(t)
			bobs := 0
			for _, m := range tt.cap.to("bob@example.com") {
				if strings.Contains(body(t, m.data), "reply") {
					bobs++
				}
			}
			if bobs != c.wantBobCopy {
				t.Errorf("bob got %d copies of his own message, want %d", bobs, c.wantBobCopy)
			}
		})
	}
	// carol (no address) and anonymous are never mailed; a retried event
	// does not mail the same users twice.
	tt := newTracker(t, map[string]string{"add_author": "yes"}, nil)
	tt.post(t, "alice", "", "hi", "", tracker.Values{"title": "t", "nosy": []string{tt.user(t, "carol"), tt.user(t, "anonymous"), tt.user(t, "bob")}})
	tt.drain(t)
	if n := len(tt.cap.mails); n != 1 || tt.cap.mails[0].to[0] != "bob@example.com" {
		t.Errorf("mails = %d to %v, want one to bob", n, tt.cap.mails)
	}
}

func TestEmailSendingSingle(t *testing.T) {
	tt := newTracker(t, map[string]string{"email_sending": "single"}, nil)
	root := tt.user(t, "admin")
	tt.svc.Update(tt.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		return tx.Set("user", root, tracker.Values{"address": "root@example.com"})
	})
	tt.post(t, "alice", "", "x", "", tracker.Values{"title": "t", "nosy": []string{root, tt.user(t, "bob")}})
	tt.drain(t)
	if len(tt.cap.mails) != 1 {
		t.Fatalf("single: %d mails, want 1", len(tt.cap.mails))
	}
	if got := header(tt.cap.mails[0].data, "To"); got != "bob@example.com, root@example.com" {
		t.Errorf("single: To = %q, want both, sorted", got)
	}
	if h := header(tt.cap.mails[0].data, "List-Unsubscribe"); h != "" {
		t.Errorf("single mail carries a per-user List-Unsubscribe %q", h)
	}
}

func TestEncodingAndUnsubscribe(t *testing.T) {
	tt := newTracker(t, nil, func(c *Config) { c.SecretKey = "s3cret" })
	alice := tt.user(t, "alice")
	tt.svc.Update(tt.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		return tx.Set("user", tt.user(t, "bob"), tracker.Values{"realname": "Łukasz Żółć"})
	})
	long := strings.Repeat("naïve café ", 20)
	tt.post(t, "bob", "", long, "", tracker.Values{"title": "Ünïcödé tïtle", "nosy": []string{alice}})
	tt.drain(t)
	got := tt.cap.to("alice@example.com")
	if len(got) != 1 {
		t.Fatalf("alice got %d mails", len(got))
	}
	d := got[0].data
	for _, name := range []string{"From", "Subject"} {
		if v := header(d, name); isASCII(v) == false || !strings.Contains(v, "=?utf-8?q?") {
			t.Errorf("%s = %q, want RFC 2047 encoded ASCII", name, v)
		}
	}
	head, _, _ := bytes.Cut(d, []byte("\n\n"))
	for _, l := range strings.Split(string(d), "\n") {
		if len(l) > 78 && !strings.HasPrefix(l, "List-Unsubscribe:") {
			t.Errorf("line longer than 78: %q", l)
		}
	}
	if !isASCIIBytes(head) {
		t.Errorf("header holds raw non-ASCII:\n%s", head)
	}
	if b := body(t, d); !strings.Contains(b, long) || !strings.Contains(b, "Łukasz Żółć <bob@example.com>") {
		t.Errorf("body lost text: %q", b)
	}
	lu := header(d, "List-Unsubscribe")
	tok := strings.TrimSuffix(lu[strings.Index(lu, "token=")+6:], ">")
	if uid, ok := VerifyUnsubscribe("s3cret", "issue1", tok); !ok || uid != alice {
		t.Errorf("VerifyUnsubscribe(%q) = %q, %v; want %q, true", tok, uid, ok, alice)
	}
	for _, bad := range []struct{ secret, des, tok string }{{"other", "issue1", tok}, {"s3cret", "issue2", tok},
		{"s3cret", "issue1", "99." + tok[strings.Index(tok, ".")+1:]}, {"s3cret", "issue1", "garbage"}} {
		if _, ok := VerifyUnsubscribe(bad.secret, bad.des, bad.tok); ok {
			t.Errorf("VerifyUnsubscribe(%v) accepted a bad token", bad)
		}
	}
	if header(d, "List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Error("no RFC 8058 List-Unsubscribe-Post")
	}
}
