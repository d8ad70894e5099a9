package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

func TestEmailMe(t *testing.T) {
	e := newAcctEnv(t, nil)
	id := e.tt.Issue(t, "bob", "Crash in parser", "first message text", nil)
	bob := e.client(t, "bob")
	must(t, bob.postFile("/tracker/issue"+id, url.Values{"@action": {"edit"}, "@note": {"second message text"}},
		"@file", "fix.patch", "text/plain", []byte("--- a\n+++ b\n")), http.StatusSeeOther)
	e.mails(t, "")
	msgs := e.tt.Get(t, "issue", id).IDs("messages")
	e.tt.Update(t, "admin", func(tx *tracker.Tx) error {
		return tx.Set("msg", msgs[0], tracker.Values{"messageid": "<first@example.com>"})
	})

	alice := e.client(t, "alice")
	must(t, alice.get("/tracker/issue"+id), 200, "Email me this issue", `name="@msg"`)
	r := alice.post("/tracker/issue"+id, url.Values{"@action": {"emailme"}})
	must(t, r, http.StatusSeeOther)
	if !strings.Contains(r.header.Get("Location"), "@ok_message=A+copy+of+issue"+id+"+was+sent+to+alice%40example.com") {
		t.Errorf("redirect to %q", r.header.Get("Location"))
	}
	ms := e.mails(t, "alice@example.com")
	if len(ms) != 1 {
		t.Fatalf("%d mails to alice, want 1", len(ms))
	}
	m := ms[0]
	if m.Subject() != "[issue"+id+"] Crash in parser" || m.Header("X-Corral-Reason") != "requested" ||
		m.Header("X-Roundup-issue-status") != "open" || m.Header("In-Reply-To") != "<first@example.com>" {
		t.Errorf("headers: subject %q reason %q status %q in-reply-to %q", m.Subject(), m.Header("X-Corral-Reason"),
			m.Header("X-Roundup-issue-status"), m.Header("In-Reply-To"))
	}
	for _, want := range []string{"first message text", "second message text", "title: Crash in parser", "http://localhost/tracker/issue" + id} {
		if !strings.Contains(m.Data, want) {
			t.Errorf("mail lacks %q:\n%s", want, m.Data)
		}
	}
	if len(e.mails(t, "")) != 0 {
		t.Error("others got mail")
	}
	// One message, with its file attached.
	r = alice.post("/tracker/issue"+id, url.Values{"@action": {"emailme"}, "@msg": {msgs[1]}})
	must(t, r, http.StatusSeeOther)
	if !strings.HasSuffix(r.header.Get("Location"), "#msg"+msgs[1]) {
		t.Errorf("redirect to %q", r.header.Get("Location"))
	}
	ms = e.mails(t, "alice@example.com")
	if len(ms) != 1 || strings.Contains(ms[0].Data, "first message text") || !strings.Contains(ms[0].Data, "second message text") ||
		!strings.Contains(ms[0].Data, `filename=fix.patch`) {
		t.Errorf("one-message copy:\n%v", ms)
	}
	// Refusals.
	must(t, alice.post("/tracker/issue"+id, url.Values{"@action": {"emailme"}, "@msg": {"999"}}), 400, "not a message of")
	must(t, e.client(t, "dave").post("/tracker/issue"+id, url.Values{"@action": {"emailme"}}), 400, "no e-mail address")
	must(t, e.client(t, "").post("/tracker/issue"+id, url.Values{"@action": {"emailme"}}), 403, "log in")
	must(t, alice.get("/tracker/issue"+id+"?@action=emailme"), http.StatusMethodNotAllowed)
	must(t, alice.post("/tracker/user1", url.Values{"@action": {"emailme"}}), 400)
	if len(e.mails(t, "")) != 0 {
		t.Error("refused requests sent mail")
	}
}

func TestEmailMeLeavesOutHiddenMessages(t *testing.T) {
	e := newAcctEnv(t, nil)
	id := e.tt.Issue(t, "bob", "t", "visible text", nil)
	e.tt.Update(t, "admin", func(tx *tracker.Tx) error {
		m, err := tx.Create("msg", tracker.Values{"content": "buy pills", "spambayes_score": 1.0})
		if err != nil {
			return err
		}
		if err := tx.Set("issue", id, tracker.Values{"messages": append(e.tt.Get(t, "issue", id).IDs("messages"), m)}); err != nil {
			return err
		}
		// dave may see message content only when it is not spam
		// (python-dev's Anonymous rule).
		return tx.Set("user", e.tt.Users["dave"], tracker.Values{"roles": "Anonymous", "address": "dave@example.com"})
	})
	e.mails(t, "")
	dave := e.client(t, "dave")
	must(t, dave.post("/tracker/issue"+id, url.Values{"@action": {"emailme"}}), http.StatusSeeOther)
	ms := e.mails(t, "dave@example.com")
	if len(ms) != 1 || !strings.Contains(ms[0].Data, "visible text") || strings.Contains(ms[0].Data, "buy pills") {
		t.Fatalf("copy: %v", ms)
	}
	spam := e.tt.Get(t, "issue", id).IDs("messages")[1]
	must(t, dave.post("/tracker/issue"+id, url.Values{"@action": {"emailme"}, "@msg": {spam}}), 403)
}
