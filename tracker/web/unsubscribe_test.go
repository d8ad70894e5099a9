package web

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/notify"
)

func TestUnsubscribeOneClick(t *testing.T) {
	e := newAcctEnv(t, nil)
	alice, bob := e.tt.Users["alice"], e.tt.Users["bob"]
	a := e.tt.Issue(t, "bob", "Issue A", "a", tracker.Values{"nosy": []string{alice, bob}})
	b := e.tt.Issue(t, "bob", "Issue B", "b", tracker.Values{"nosy": []string{alice, bob}})
	e.mails(t, "") // the notifications of the new issues
	tok := notify.UnsubscribeToken(testSecret, "issue"+a, alice)
	path := "/tracker/issue" + a + "?@action=unsubscribe&token=" + url.QueryEscape(tok)
	nosy := func(id string) []string { return e.tt.Get(t, "issue", id).IDs("nosy") }

	// The notification carries the header pointing here.
	e.tt.Update(t, "bob", func(tx *tracker.Tx) error {
		m, err := tx.Create("msg", tracker.Values{"content": "ping", "author": bob})
		if err != nil {
			return err
		}
		return tx.Set("issue", a, tracker.Values{"messages": append(e.tt.Get(t, "issue", a).IDs("messages"), m)})
	})
	ms := e.mails(t, "alice@example.com")
	if len(ms) != 1 || ms[0].Header("List-Unsubscribe") != "<http://localhost"+path+">" {
		t.Fatalf("notification List-Unsubscribe %q, want <http://localhost%s>", ms[0].Header("List-Unsubscribe"), path)
	}

	// GET (a click, a link scanner) only asks.
	anon := e.client(t, "")
	must(t, anon.get(path), 200, "Unsubscribe", "Issue A", `name="token"`)
	if !slices.Contains(nosy(a), alice) {
		t.Fatal("a GET unsubscribed")
	}
	// Forged and misapplied tokens.
	must(t, anon.post("/tracker/issue"+a+"?@action=unsubscribe&token="+alice+".AAAAAAAAAAAAAAAAAAAAAA",
		url.Values{"List-Unsubscribe": {"One-Click"}}), 403, "not valid")
	must(t, anon.post("/tracker/issue"+b+"?@action=unsubscribe&token="+url.QueryEscape(tok),
		url.Values{"List-Unsubscribe": {"One-Click"}}), 403)
	must(t, anon.post("/tracker/issue"+a+"?@action=unsubscribe&token="+bob+"."+strings.SplitN(tok, ".", 2)[1],
		url.Values{"List-Unsubscribe": {"One-Click"}}), 403)
	must(t, anon.post("/tracker/issue"+a+"?@action=unsubscribe", url.Values{"List-Unsubscribe": {"One-Click"}}), 403)

	// The RFC 8058 POST: no cookies, no redirect, 200.
	r := anon.post(path, url.Values{"List-Unsubscribe": {"One-Click"}})
	must(t, r, 200, "gets no more mail")
	if r.header.Get("Location") != "" {
		t.Error("one-click unsubscribe redirected")
	}
	if got := nosy(a); slices.Contains(got, alice) || !slices.Contains(got, bob) {
		t.Errorf("issue%s nosy after unsubscribe: %v (want bob, not alice)", a, got)
	}
	if got := nosy(b); !slices.Contains(got, alice) {
		t.Errorf("issue%s nosy changed too: %v", b, got)
	}
	// Journalled as alice's own change.
	e.tt.Update(t, "admin", func(tx *tracker.Tx) error {
		j, err := tx.Journal("issue", a)
		if last := j[len(j)-1]; last.User != alice || len(last.Params.Removed["nosy"]) != 1 {
			t.Errorf("journal %+v", last)
		}
		return err
	})
	// Repeating is harmless.
	must(t, anon.post(path, url.Values{"List-Unsubscribe": {"One-Click"}}), 200)
	must(t, anon.post("/tracker/issue"+a+"?@action=unsubscribe&token="+url.QueryEscape(tok), url.Values{}), 200)
	// Not a nosy class, not an item.
	must(t, anon.post("/tracker/msg1?@action=unsubscribe&token="+url.QueryEscape(tok), url.Values{}), 404)
}
