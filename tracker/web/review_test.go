package web

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

// attachPatch adds a file to an issue as user and returns its id.
func attachPatch(t *testing.T, e *env, user, issue, name, content string) string {
	t.Helper()
	var id string
	e.tt.Update(t, user, func(tx *tracker.Tx) error {
		var err error
		id, err = tx.Create("file", tracker.Values{"name": name, "type": "text/x-diff", "content": content})
		if err != nil {
			return err
		}
		it, err := tx.Get("issue", issue)
		if err != nil {
			return err
		}
		return tx.Set("issue", issue, tracker.Values{"files": append(it.IDs("files"), id)})
	})
	return id
}

const evilPatch = `From: someone
Subject: <b>fix</b>

diff --git a/Lib/<evil>.py b/Lib/<evil>.py
--- a/Lib/<evil>.py
+++ b/Lib/<evil>.py
@@ -5,5 +5,5 @@ def f():
 five
 six
-<script>alert("old")</script>
+<script>alert(1)</script>
 eight
 nine
`

func TestReviewPage(t *testing.T) {
	e := newEnv(t)
	id := e.tt.Issue(t, "alice", "Patch for <parser>", "see patch", nil)
	fid := attachPatch(t, e, "alice", id, "fix<1>.patch", evilPatch)
	anon := e.client(t, "")
	must(t, anon.get("/tracker/issue"+id), 200, `href="/tracker/file`+fid+`/review"`)
	r := anon.get("/tracker/file" + fid + "/review")
	must(t, r, 200,
		"Review of file"+fid+" (fix&lt;1&gt;.patch)",
		`&lt;script&gt;alert(1)&lt;/script&gt;`,
		`&lt;script&gt;alert(&#34;old&#34;)&lt;/script&gt;`,
		"Subject: &lt;b&gt;fix&lt;/b&gt;",
		"Lib/&lt;evil&gt;.py",
		`id="f1"`, `id="f1-o7"`, `id="f1-n7"`, `id="f1-o5"`, `id="f1-n5"`,
		`<tr class="add">`, `<tr class="del">`, `<tr class="ctx">`,
		"@@ -5,5 &#43;5,5 @@ def f():", "+1", "&minus;1",
		`href="/tracker/issue`+id+`"`, "Log in to comment")
	for _, bad := range []string{"<script>alert", "<evil>", "<b>fix", "?comment="} {
		if strings.Contains(r.body, bad) {
			t.Errorf("review page contains %q", bad)
		}
	}
	// No box for anonymous visitors, even when asked.
	if r := anon.get("/tracker/file" + fid + "/review?comment=f1-n7"); strings.Contains(r.body, `name="@text"`) {
		t.Error("anonymous visitor got a comment box")
	}
	must(t, anon.get("/tracker/file999/review"), 404)
	must(t, anon.get("/tracker/issue"+id+"/review"), 404)

	// A file without a diff says so.
	plain := attachPatch(t, e, "alice", id, "notes.patch", "nothing to see\n")
	must(t, anon.get("/tracker/file"+plain+"/review"), 200, "No diff was found")
}

func TestReviewInterdiff(t *testing.T) {
	e := newEnv(t)
	id := e.tt.Issue(t, "alice", "Two versions", "v1 then v2", nil)
	v1 := attachPatch(t, e, "alice", id, "v1.patch", interV1+interV1same)
	v2 := attachPatch(t, e, "alice", id, "v2.patch", interV2)
	other := e.tt.Issue(t, "alice", "Another", "x", nil)
	foreign := attachPatch(t, e, "alice", other, "x.patch", interV1)
	bob := e.client(t, "bob")
	// The review offers the other version.
	must(t, bob.get("/tracker/file"+v2+"/review"), 200, `<option value="file`+v1+`">file`+v1+` (v1.patch)</option>`)
	r := bob.get("/tracker/file" + v2 + "/review?against=file" + v1)
	must(t, r, 200, "Changes from", "file"+v1+" (v1.patch)", "to file"+v2+" (v2.patch)",
		"A5", "B5", "B28", `id="f1-o29"`, `id="f1-n29"`, "@@ -26,6 &#43;26,6 @@",
		"same change in both patches", "changed only in file"+v2, "changed only in file"+v1+"; shown undone",
		`selected>file`+v1)
	if strings.Contains(r.body, `>new</td>`) {
		t.Error("interdiff shows the insertion both patches make")
	}
	if strings.Contains(r.body, "?comment=") {
		t.Error("interdiff offers comment links")
	}
	must(t, bob.get("/tracker/file"+v2+"/review?against="+v1), 200, "B28")
	must(t, bob.get("/tracker/file"+v2+"/review?against=file"+foreign), 400, "not a file of the same issue")
	must(t, bob.get("/tracker/file"+v2+"/review?against=file"+v2), 400, "cannot be compared with itself")
	must(t, bob.get("/tracker/file"+v2+"/review?against=filex"), 400)
}

func TestReviewDraftAndPublish(t *testing.T) {
	e := newEnv(t)
	id := e.tt.Issue(t, "alice", "Needs review", "patch attached", nil)
	fid := attachPatch(t, e, "alice", id, "v2.patch", interV2)
	page := "/tracker/file" + fid + "/review"
	bob, alice := e.client(t, "bob"), e.client(t, "alice")

	// Clicking a line number opens a box under that line.
	r := bob.get(page)
	must(t, r, 200, `href="?comment=f1-n5#f1-n5"`)
	must(t, bob.get(page+"?comment=f1-n5"), 200, `name="@text"`, `name="@anchor" value="f1-n5"`, "Comment on f.txt:5")
	// An old-side anchor of a context line opens the new-side box.
	must(t, bob.get(page+"?comment=f1-o4"), 200, `name="@anchor" value="f1-n4"`)

	post := func(c *client, vals url.Values) response {
		return c.post("/tracker/file"+fid, vals)
	}
	r = post(bob, url.Values{"@action": {"review_comment"}, "@anchor": {"f1-n5"}, "@text": {"Why <B5>?"}})
	must(t, r, 303)
	if loc := r.header.Get("Location"); !strings.HasPrefix(loc, page+"?@ok_message=") || !strings.HasSuffix(loc, "#f1-n5") {
		t.Errorf("comment redirect to %q", loc)
	}
	must(t, post(bob, url.Values{"@action": {"review_comment"}, "@anchor": {"f1-o28"}, "@text": {"l28 was fine"}}), 303)
	must(t, post(bob, url.Values{"@action": {"review_comment"}, "@anchor": {"f1-n1"}, "@text": {"first added line of added.txt? no"}}), 400)
	must(t, post(bob, url.Values{"@action": {"review_comment"}, "@anchor": {"f3-n1"}, "@text": {"hello?"}}), 303)
	// Editing replaces; an empty text deletes.
	must(t, post(bob, url.Values{"@action": {"review_comment"}, "@anchor": {"f1-n5"}, "@text": {"Why <B5> and not A5?"}}), 303)
	must(t, post(bob, url.Values{"@action": {"review_comment"}, "@anchor": {"f3-n1"}, "@text": {""}}), 303)
	r = bob.get(page)
	must(t, r, 200, "Your draft review (2 comments", "Why &lt;B5&gt; and not A5?", "f.txt:5", "f.txt:28 (old)", "l28 was fine")
	if strings.Contains(r.body, "hello?") || strings.Contains(r.body, ">Why &lt;B5&gt;?<") {
		t.Error("deleted or replaced comment still shown")
	}

	// Drafts are the reviewer's own.
	for _, other := range []*client{alice, e.client(t, "carol"), e.client(t, "")} {
		if r := other.get(page); strings.Contains(r.body, "not A5") || strings.Contains(r.body, "Your draft") {
			t.Errorf("%s sees bob's draft", other.user)
		}
	}
	// Another user's discard does not touch it.
	must(t, post(alice, url.Values{"@action": {"review_discard"}}), 303)
	must(t, bob.get(page), 200, "not A5")

	// Publish: one message on the issue, by bob, mailed to the nosy list.
	before := nosyEvents(t, e, id)
	msgsBefore := e.tt.Get(t, "issue", id).IDs("messages")
	r = post(bob, url.Values{"@action": {"review_publish"}, "@note": {"Looks good overall."}})
	must(t, r, 303)
	it := e.tt.Get(t, "issue", id)
	if len(it.IDs("messages")) != len(msgsBefore)+1 {
		t.Fatalf("messages %v after publish, had %v", it.IDs("messages"), msgsBefore)
	}
	mid := it.IDs("messages")[len(it.IDs("messages"))-1]
	if loc := r.header.Get("Location"); !strings.HasPrefix(loc, "/tracker/issue"+id+"?@ok_message=") || !strings.HasSuffix(loc, "#msg"+mid) {
		t.Errorf("publish redirect to %q", loc)
	}
	m := e.tt.Get(t, "msg", mid)
	if m.Str("author") != e.tt.Users["bob"] {
		t.Errorf("review message author %q, want bob", m.Str("author"))
	}
	var content string
	e.tt.Update(t, "admin", func(tx *tracker.Tx) error {
		b, err := tx.Content("msg", mid)
		content = string(b)
		return err
	})
	want := "Review of file" + fid + " (v2.patch):\n\nLooks good overall.\n\n" +
		"f.txt:5\n>  l3\n>  l4\n> -l5\n> +B5\nWhy <B5> and not A5?\nhttp://localhost/tracker/file" + fid + "/review#f1-n5\n\n" +
		"f.txt:28 (old)\n>  l25\n>  l26\n>  l27\n> -l28\nl28 was fine\nhttp://localhost/tracker/file" + fid + "/review#f1-o28\n"
	if content != want {
		t.Errorf("review message =\n%s\nwant\n%s", content, want)
	}
	if after := nosyEvents(t, e, id); after != before+1 {
		t.Errorf("nosy events for issue%s: %d before publishing, %d after; want one more", id, before, after)
	}
	// The draft is gone; the issue page shows the review.
	if r := bob.get(page); strings.Contains(r.body, "Your draft") {
		t.Error("draft still shown after publishing")
	}
	must(t, alice.get("/tracker/issue"+id), 200, "Review of file"+fid, "Why &lt;B5&gt; and not A5?")
	// Nothing left to publish.
	must(t, post(bob, url.Values{"@action": {"review_publish"}}), 400, "nothing to publish")
}

// nosyEvents counts the pending nosy-mail events of an issue.
func nosyEvents(t *testing.T, e *env, issue string) int {
	t.Helper()
	evs, err := e.tt.Store.Outbox().List(e.tt.Ctx, "pending", 1000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ev := range evs {
		if ev.Kind == tracker.EventNosy && ev.Key == "issue"+issue {
			n++
		}
	}
	return n
}

func TestReviewRefusals(t *testing.T) {
	e := newEnv(t)
	id := e.tt.Issue(t, "alice", "Needs review", "patch attached", nil)
	fid := attachPatch(t, e, "alice", id, "v2.patch", interV2)
	comment := url.Values{"@action": {"review_comment"}, "@anchor": {"f1-n5"}, "@text": {"hi"}}
	anon := e.client(t, "")
	must(t, anon.post("/tracker/file"+fid, comment), 403, "log in")
	must(t, anon.post("/tracker/file"+fid, url.Values{"@action": {"review_publish"}}), 403)
	bob := e.client(t, "bob")
	// Actions change data: GET is refused.
	must(t, bob.get("/tracker/file"+fid+"?@action=review_comment&@anchor=f1-n5&@text=hi"), 405)
	must(t, bob.post("/tracker/file"+fid, url.Values{"@action": {"review_comment"}, "@anchor": {"f9-n1"}, "@text": {"x"}}), 400, "no line f9-n1")
	must(t, bob.post("/tracker/issue"+id, comment), 400)
	long := url.Values{"@action": {"review_comment"}, "@anchor": {"f1-n5"}, "@text": {strings.Repeat("x", maxCommentLen+1)}}
	must(t, bob.post("/tracker/file"+fid, long), 400, "longer than")
	// The review page itself also takes the actions.
	must(t, bob.post("/tracker/file"+fid+"/review", comment), 303)
	must(t, bob.post("/tracker/file"+fid+"/review", url.Values{"x": {"y"}}), 405)
	// A file on no issue: nothing to comment on.
	var lone string
	e.tt.Update(t, "bob", func(tx *tracker.Tx) error {
		var err error
		lone, err = tx.Create("file", tracker.Values{"name": "lone.diff", "type": "text/x-diff", "content": interV2})
		return err
	})
	must(t, bob.get("/tracker/file"+lone+"/review"), 200, "Review of file"+lone)
	must(t, bob.post("/tracker/file"+lone, comment), 400, "not attached")
}

// bigFile is a diff of one new file with n lines.
func bigFile(name string, n int) string {
	var b strings.Builder
	b.WriteString("diff --git a/" + name + " b/" + name + "\nnew file mode 100644\n--- /dev/null\n+++ b/" + name + "\n")
	b.WriteString("@@ -0,0 +1," + strconv.Itoa(n) + " @@\n")
	for i := 1; i <= n; i++ {
		b.WriteString("+line " + strconv.Itoa(i) + "\n")
	}
	return b.String()
}

func TestReviewLargePatch(t *testing.T) {
	e := newEnv(t)
	id := e.tt.Issue(t, "alice", "Big", "big patch", nil)
	n := reviewLineBudget/2 + 1
	fid := attachPatch(t, e, "alice", id, "big.patch", bigFile("one.c", n)+bigFile("two.c", n)+bigFile("three.c", n))
	page := "/tracker/file" + fid + "/review"
	bob := e.client(t, "bob")
	r := bob.get(page)
	must(t, r, 200, `id="f1-n1"`, `href="?file=f2#f2"`, `href="?file=f3#f3"`, "more diff lines")
	if strings.Contains(r.body, `id="f2-n1"`) {
		t.Error("the page renders more lines than its budget")
	}
	r = bob.get(page + "?file=f2")
	must(t, r, 200, `id="f2-n1"`, "Showing one file of 3", `href="/tracker/file`+fid+`/review"`)
	if strings.Contains(r.body, `id="f1-n1"`) {
		t.Error("?file=f2 shows other files")
	}
	// A comment box on a left-out file shows that file.
	must(t, bob.get(page+"?comment=f3-n7"), 200, `id="f3-n7"`, `name="@anchor" value="f3-n7"`)
	r = bob.post("/tracker/file"+fid, url.Values{"@action": {"review_comment"}, "@anchor": {"f3-n7"}, "@text": {"seven"}})
	must(t, r, 303)
	if loc := r.header.Get("Location"); !strings.HasPrefix(loc, page+"?file=f3&@ok_message=") || !strings.HasSuffix(loc, "#f3-n7") {
		t.Errorf("redirect to %q", loc)
	}
	must(t, bob.get(page), 200, `href="?file=f3#f3-n7">three.c:7</a>`)
}
