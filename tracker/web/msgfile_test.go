package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

func TestMessageUnlinkRestore(t *testing.T) {
	e := newAcctEnv(t, nil)
	id := e.tt.Issue(t, "bob", "t", "one", nil)
	bob, alice := e.client(t, "bob"), e.client(t, "alice")
	must(t, bob.post("/tracker/issue"+id, url.Values{"@action": {"edit"}, "@note": {"two <b>bold</b>"}}), http.StatusSeeOther)
	msgs := e.tt.Get(t, "issue", id).IDs("messages")
	mid := msgs[1]

	r := bob.get("/tracker/msg" + mid)
	must(t, r, 200, "Message "+mid, "Author", "bob", "two &lt;b&gt;bold&lt;/b&gt;", "This message is linked to",
		`name="@remove@messages" value="`+mid+`"`, ">Unlink</button>", `action="/tracker/issue`+id+`"`, "download")
	// The button posts Roundup's form syntax to the issue.
	must(t, bob.post("/tracker/issue"+id, url.Values{"@action": {"edit"}, "@remove@messages": {mid}}), http.StatusSeeOther)
	if slices.Contains(e.tt.Get(t, "issue", id).IDs("messages"), mid) {
		t.Fatal("not unlinked")
	}
	r = bob.get("/tracker/msg" + mid)
	must(t, r, 200, "This message has been unlinked from", `name="@add@messages" value="`+mid+`"`, ">Restore</button>")
	// Alice (a User) may edit issue messages too; anonymous may not: text only.
	must(t, alice.get("/tracker/msg"+mid), 200, ">Restore</button>")
	r = e.client(t, "").get("/tracker/msg" + mid)
	must(t, r, 200, "This message has been unlinked from")
	if strings.Contains(r.body, "Restore</button>") {
		t.Error("anonymous is offered Restore")
	}
	must(t, bob.post("/tracker/issue"+id, url.Values{"@action": {"edit"}, "@add@messages": {mid}}), http.StatusSeeOther)
	if got := e.tt.Get(t, "issue", id).IDs("messages"); !slices.Equal(got, msgs) {
		t.Errorf("restored messages %v, want %v", got, msgs)
	}
	must(t, bob.get("/tracker/msg"+mid), 200, "This message is linked to")
	// A message never linked anywhere: no button.
	var loose string
	e.tt.Update(t, "bob", func(tx *tracker.Tx) error {
		var err error
		loose, err = tx.Create("msg", tracker.Values{"content": "loose"})
		return err
	})
	if r := bob.get("/tracker/msg" + loose); r.status != 200 || strings.Contains(r.body, "Unlink") || strings.Contains(r.body, "Restore") {
		t.Error("a loose message offers Unlink/Restore")
	}
}

func TestFileUnlinkRestore(t *testing.T) {
	e := newAcctEnv(t, nil)
	id := e.tt.Issue(t, "bob", "t", "one", nil)
	bob := e.client(t, "bob")
	must(t, bob.postFile("/tracker/issue"+id, url.Values{"@action": {"edit"}}, "@file", "fix.patch", "text/plain", []byte("+x\n")), http.StatusSeeOther)
	fid := e.tt.Get(t, "issue", id).IDs("files")[0]
	must(t, bob.get("/tracker/file"+fid), 200, "File "+fid+": fix.patch", `name="name"`, `name="@remove@files" value="`+fid+`"`,
		"This file is linked to", `href="/tracker/file`+fid+`/fix.patch"`)
	must(t, bob.post("/tracker/issue"+id, url.Values{"@action": {"edit"}, "@remove@files": {fid}}), http.StatusSeeOther)
	must(t, bob.get("/tracker/file"+fid), 200, "This file has been unlinked from", `name="@add@files" value="`+fid+`"`)
	must(t, bob.post("/tracker/issue"+id, url.Values{"@action": {"edit"}, "@add@files": {fid}}), http.StatusSeeOther)
	if got := e.tt.Get(t, "issue", id).IDs("files"); !slices.Equal(got, []string{fid}) {
		t.Errorf("files after restore %v", got)
	}
	// File metadata edits go through the generic edit (creator or Developer).
	must(t, bob.post("/tracker/file"+fid, url.Values{"@action": {"edit"}, "description": {"the fix"}, "@required": {"name,type"}}), http.StatusSeeOther)
	must(t, e.client(t, "alice").get("/tracker/file"+fid), 200, "the fix")
	if r := e.client(t, "alice").get("/tracker/file" + fid); strings.Contains(r.body, "Submit changes") {
		t.Error("alice may edit bob's file")
	}
}
