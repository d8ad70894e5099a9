package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestClassifySpamAndHam(t *testing.T) {
	e := newAcctEnv(t, nil)
	id := e.tt.Issue(t, "alice", "t", "hello", nil)
	alice := e.client(t, "alice")
	must(t, alice.post("/tracker/issue"+id, url.Values{"@action": {"edit"}, "@note": {"BUY CHEAP PILLS"}}), http.StatusSeeOther)
	msgs := e.tt.Get(t, "issue", id).IDs("messages")
	spam := msgs[1]
	carol, anon := e.client(t, "carol"), e.client(t, "")

	// A User may not classify; the buttons are not offered.
	must(t, alice.post("/tracker/msg"+spam, url.Values{"@action": {"spam"}}), 403, "permission to classify")
	if r := alice.get("/tracker/msg" + spam); strings.Contains(r.body, "Mark as SPAM") {
		t.Error("a User is offered the spam buttons")
	}
	if r := alice.get("/tracker/issue" + id); strings.Contains(r.body, "mark as spam") {
		t.Error("a User is offered the spam buttons on the issue page")
	}
	if s := e.tt.Get(t, "msg", spam).Get("spambayes_score"); s != nil {
		t.Fatalf("score set by a User: %v", s)
	}

	// A Coordinator marks it from the issue page and comes back there.
	must(t, carol.get("/tracker/issue"+id), 200, "mark as spam")
	r := carol.post("/tracker/msg"+spam, url.Values{"@action": {"spam"}, "__came_from": {"/tracker/issue" + id + "#msg" + spam}})
	must(t, r, http.StatusSeeOther)
	if loc := r.header.Get("Location"); loc != "/tracker/issue"+id+"?@ok_message=Message+classified+as+SPAM#msg"+spam {
		t.Errorf("redirect to %q", loc)
	}
	m := e.tt.Get(t, "msg", spam)
	if m.Get("spambayes_score") != 1.0 || m.Get("spambayes_misclassified") != nil {
		t.Errorf("after spam: score %v misclassified %v", m.Get("spambayes_score"), m.Get("spambayes_misclassified"))
	}
	// Hidden from the anonymous, kept and journalled.
	r = anon.get("/tracker/issue" + id)
	must(t, r, 200, "This message is hidden (spam).", "hello")
	if strings.Contains(r.body, "BUY CHEAP PILLS") {
		t.Error("spam content shown to anonymous on the issue page")
	}
	must(t, anon.get("/tracker/msg"+spam), 200, "Message has been classified as spam", "not available to unauthorized users")
	must(t, anon.get("/tracker/msg"+spam+"/content"), 403)
	must(t, carol.get("/tracker/issue"+id), 200, "BUY CHEAP PILLS", `<b class="spam">spam</b>`, "not spam")
	must(t, carol.get("/tracker/msg"+spam), 200, "Mark as HAM", "spambayes_score: None")

	// Ham reverses it and records the misclassification.
	must(t, carol.post("/tracker/msg"+spam, url.Values{"@action": {"ham"}}), http.StatusSeeOther)
	m = e.tt.Get(t, "msg", spam)
	if m.Get("spambayes_score") != 0.0 || m.Get("spambayes_misclassified") != true {
		t.Errorf("after ham: score %v misclassified %v", m.Get("spambayes_score"), m.Get("spambayes_misclassified"))
	}
	must(t, anon.get("/tracker/issue"+id), 200, "BUY CHEAP PILLS")

	// Files too; refusals for other classes and GET.
	must(t, alice.postFile("/tracker/issue"+id, url.Values{"@action": {"edit"}}, "@file", "x.txt", "text/plain", []byte("spammy file")), http.StatusSeeOther)
	fid := e.tt.Get(t, "issue", id).IDs("files")[0]
	must(t, e.client(t, "bob").post("/tracker/file"+fid, url.Values{"@action": {"spam"}}), http.StatusSeeOther)
	must(t, anon.get("/tracker/file"+fid), 200, "File has been classified as spam", "not available for download")
	must(t, anon.get("/tracker/file"+fid+"/x.txt"), 403)
	must(t, carol.post("/tracker/issue"+id, url.Values{"@action": {"spam"}}), 400)
	must(t, carol.get("/tracker/msg"+spam+"?@action=spam"), http.StatusMethodNotAllowed)
}
