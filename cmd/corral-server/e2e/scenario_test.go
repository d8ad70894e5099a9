package e2e

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// scenario is the state the steps share.
type scenario struct {
	b       *browser
	env     *trackerEnv
	issue   string // the issue the browser creates
	blocker string // the open issue it comes to depend on
	msg     string // the message removed and restored
}

// step runs one step as a subtest; on failure it saves a screenshot of
// the page where it failed.
func (s *scenario) step(t *testing.T, name string, f func(t *testing.T)) {
	t.Run(name, func(t *testing.T) {
		defer func() {
			if t.Failed() {
				s.b.shoot(t, "failed-"+strings.ReplaceAll(name, " ", "-"), nil)
			}
		}()
		f(t)
	})
}

func (s *scenario) needIssue(t *testing.T) {
	t.Helper()
	if s.issue == "" {
		t.Skip("needs the issue of the create step")
	}
}

func (s *scenario) open(t *testing.T, path string) {
	t.Helper()
	s.b.must(t, "opening "+path, chromedp.Navigate(s.env.base+path), chromedp.WaitReady(chromedp.CSS("body")))
}

var issueURLRE = regexp.MustCompile(`/issue(\d+)(?:\?|$)`)

// TestScenario is the issue's browser scenario. Steps that work on the
// core web frontend run first; registration (register → confirm from the
// debug mail → log in), batch edit and restore depend on handlers built
// in parallel and run last, each reported on its own.
func TestScenario(t *testing.T) {
	if skipAll != "" {
		t.Skip(skipAll)
	}
	env := startTracker(t)
	s := &scenario{b: newBrowser(t), env: env, blocker: "1"}
	defer func() {
		if t.Failed() {
			urls := [][2]string{{"index", env.base + "issue?@columns=id,activity,title,creator,assignee,status&@sort=-activity"}}
			if s.issue != "" {
				urls = append(urls, [2]string{"issue" + s.issue, env.base + "issue" + s.issue})
			}
			s.b.shoot(t, "", urls)
		}
	}()

	s.step(t, "log in", func(t *testing.T) {
		s.open(t, "")
		s.b.setField(t, "form.login", "__login_name", "bob")
		s.b.setField(t, "form.login", "__login_password", env.users["bob"])
		s.b.submitForm(t, `form.login button[type="submit"]`)
		if side := s.b.text("#sidebar"); !strings.Contains(side, "Hello, bob") {
			t.Fatalf("after logging in the sidebar reads %q", side)
		}
	})

	s.step(t, "create an issue with a file", func(t *testing.T) {
		patch := filepath.Join(t.TempDir(), "fix-e2e.patch")
		os.WriteFile(patch, []byte("--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-old\n+new\n"), 0o644)
		s.open(t, "issue?@template=item")
		s.b.setField(t, "#itemform", "title", "Made in a browser")
		s.b.setField(t, "#itemform", "@note", "Created from headless Chromium, with a patch.")
		s.b.must(t, "choosing the file", chromedp.SetUploadFiles(chromedp.CSS(`#itemform input[type="file"]`), []string{patch}))
		s.b.submitForm(t, `#itemform button[type="submit"]`)
		m := issueURLRE.FindStringSubmatch(s.b.location())
		if m == nil {
			t.Fatalf("after Create the browser is at %s: %s", s.b.location(), s.b.text("main"))
		}
		s.issue = m[1]
		main := s.b.text("main")
		for _, want := range []string{"Made in a browser", "fix-e2e.patch", "Created from headless Chromium"} {
			if !strings.Contains(main, want) {
				t.Errorf("issue%s page lacks %q", s.issue, want)
			}
		}
	})

	s.step(t, "comment", func(t *testing.T) {
		s.needIssue(t)
		s.open(t, "issue"+s.issue)
		s.b.setField(t, "#itemform", "@note", "A second comment, typed in the browser.")
		s.b.submitForm(t, `#itemform button[accesskey="s"]`)
		if !strings.Contains(s.b.text(".messages"), "A second comment, typed in the browser.") {
			t.Fatalf("the comment is not among the messages: %s", s.b.text("main"))
		}
		if n := s.count(".msg"); n != 2 {
			t.Errorf("%d messages, want 2", n)
		}
	})

	s.step(t, "nosy +/-", func(t *testing.T) {
		s.needIssue(t)
		s.open(t, "issue"+s.issue)
		first, second := "[-] nosy me", "[+] nosy me"
		if !s.hasButton(first) {
			first, second = second, first
		}
		for _, label := range []string{first, second} {
			s.b.clickText(t, label)
			other := map[string]string{first: second, second: first}[label]
			if !s.hasButton(other) {
				t.Fatalf("after %q there is no %q button: %s", label, other, s.b.text("main"))
			}
		}
		if !s.hasButton("[-] nosy me") {
			t.Errorf("bob is not on the nosy list at the end")
		}
	})

	s.step(t, "claim", func(t *testing.T) {
		s.needIssue(t)
		s.open(t, "issue"+s.issue)
		s.b.clickText(t, "claim")
		if got := s.fieldValue("assignee"); got != "bob" {
			t.Errorf("assignee after claim = %q, want bob", got)
		}
		if s.hasButton("claim") {
			t.Errorf("the claim button is still offered")
		}
	})

	s.step(t, "close refused with open dependency", func(t *testing.T) {
		s.needIssue(t)
		s.open(t, "issue"+s.issue)
		s.b.setField(t, "#itemform", "dependencies", s.blocker)
		s.b.submitForm(t, `#itemform button[accesskey="s"]`)
		if e := s.b.text(".error-message"); e != "" {
			t.Fatalf("adding the dependency failed: %s", e)
		}
		s.b.setField(t, "#itemform", "status", "closed")
		s.b.submitForm(t, `#itemform button[accesskey="s"]`)
		// python-dev's statusauditor: "This issue can't be closed until
		// issue 1 is closed."
		e := s.b.text(".error-message")
		if !strings.Contains(e, "issue "+s.blocker) && !strings.Contains(strings.ToLower(e), "depend") {
			t.Errorf("closing with an open dependency: error %q, want one naming issue %s", e, s.blocker)
		}
		s.open(t, "issue"+s.issue)
		if st := s.fieldValue("status"); st == "closed" {
			t.Errorf("the issue was closed despite its open dependency")
		}
	})

	s.step(t, "restore a removed message", func(t *testing.T) {
		s.needIssue(t)
		s.open(t, "issue"+s.issue)
		id := mustEval[string](t, s.b, "finding the last message", `(function(){const m=document.querySelectorAll(".msg");return m.length?m[m.length-1].id:""})()`)
		if id == "" {
			t.Fatal("no message to remove")
		}
		s.msg = strings.TrimPrefix(id, "msg")
		s.b.submitForm(t, "#"+id+` form button[type="submit"]`)
		if s.b.exists("#" + id) {
			t.Fatalf("%s still shown after remove", id)
		}
		// A restore control in the history when the page has one, else
		// bpo's documented link issueN?@action=edit&@add@messages=M
		// (answered with a confirmation form).
		if s.markText("restore") {
			s.b.submitForm(t, `[data-e2e-target="1"]`)
		} else {
			s.open(t, "issue"+s.issue+"?@action=edit&@add@messages="+s.msg)
			s.b.checkPending(t, "restore link")
			s.b.clickText(t, "Confirm")
		}
		s.b.checkPending(t, "restore")
		if !s.b.exists("#" + id) {
			t.Fatalf("%s not back after restore: %s", id, s.b.text("main"))
		}
	})

	s.step(t, "batch edit two issues from the index", func(t *testing.T) {
		s.needIssue(t)
		s.open(t, "issue?@columns=id,title,status,priority&@sort=id&@filter=status&status=1")
		for _, id := range []string{s.blocker, s.issue} {
			ok := mustEval[bool](t, s.b, "selecting issue"+id, `(function(){const c=document.querySelector('input[name="@selected"][value="`+id+`"]');if(!c)return false;c.checked=true;return true})()`)
			if !ok {
				t.Fatalf("no checkbox for issue%s on the index", id)
			}
		}
		s.b.submitForm(t, `button[name="@batch"][value="edit"]`)
		s.b.checkPending(t, "batch edit")
		n := mustEval[int](t, s.b, "setting priority", `(function(){let n=0;
			for (const sel of document.querySelectorAll('main select[name$="priority"]')) {
				for (const o of sel.options) { if (o.text.trim() === "high") { sel.value = o.value; n++; } } }
			return n })()`)
		if n == 0 {
			t.Fatalf("the batch edit page has no priority field: %s", s.b.text("main"))
		}
		s.b.submitForm(t, `main form button[type="submit"]`)
		s.b.checkPending(t, "batch edit")
		for _, id := range []string{s.blocker, s.issue} {
			s.open(t, "issue"+id)
			if p := s.fieldValue("priority"); p != "high" {
				t.Errorf("issue%s priority = %q after the batch edit, want high", id, p)
			}
		}
	})

	s.step(t, "register, confirm from the debug mail, log in", func(t *testing.T) {
		s.open(t, "")
		if s.hasButton("Logout") {
			s.b.clickText(t, "Logout")
		}
		s.open(t, "user?@template=register")
		s.b.checkPending(t, "registration form")
		form := `main form`
		for name, v := range map[string]string{"username": "erin", "realname": "Erin Example", "password": "erin-pw-123",
			"@confirm@password": "erin-pw-123", "address": "erin@example.com"} {
			s.b.setField(t, form, name, v)
		}
		s.b.submitForm(t, form+` button[type="submit"]`)
		s.b.checkPending(t, "registration")
		if e := s.b.text(".error-message"); e != "" {
			t.Fatalf("registration refused: %s", e)
		}
		link := env.mailLink(t, "@action=confrego&otk=")
		u, err := url.Parse(link)
		if err != nil {
			t.Fatal(err)
		}
		base, _ := url.Parse(env.base)
		u.Scheme, u.Host = base.Scheme, base.Host // [tracker] web names another port
		s.b.must(t, "opening the confirmation link", chromedp.Navigate(u.String()), chromedp.WaitReady(chromedp.CSS("body")))
		s.b.checkPending(t, "registration confirmation")
		if e := s.b.text(".error-message"); e != "" {
			t.Fatalf("confirmation refused: %s", e)
		}
		if !strings.Contains(s.b.text("#sidebar"), "Hello, erin") {
			s.open(t, "")
			s.b.setField(t, "form.login", "__login_name", "erin")
			s.b.setField(t, "form.login", "__login_password", "erin-pw-123")
			s.b.submitForm(t, `form.login button[type="submit"]`)
		}
		if side := s.b.text("#sidebar"); !strings.Contains(side, "Hello, erin") {
			t.Fatalf("erin is not logged in: %q", side)
		}
	})
}

// count returns how many elements match sel.
func (s *scenario) count(sel string) int {
	n, _ := eval[int](s.b, `document.querySelectorAll(`+jsString(sel)+`).length`)
	return n
}

// hasButton reports whether a button or link reads label.
func (s *scenario) hasButton(label string) bool {
	ok, _ := eval[bool](s.b, `[...document.querySelectorAll("button, a")].some(e => e.innerText.trim() === `+jsString(label)+`)`)
	return ok
}

// markText marks the first button or link of the history whose text
// contains word (case-insensitive) as the click target.
func (s *scenario) markText(word string) bool {
	ok, _ := eval[bool](s.b, `(function(){
		for (const e of document.querySelectorAll(".history button, .history a, main form button")) {
			if (e.innerText.toLowerCase().includes(`+jsString(strings.ToLower(word))+`) && !e.closest(".msg")) { e.setAttribute("data-e2e-target","1"); return true; }
		}
		return false })()`)
	return ok
}

// fieldValue returns what the item form shows for prop: the selected
// option's label of a select, an input's value, or the text of the value
// cell.
func (s *scenario) fieldValue(prop string) string {
	v, _ := eval[string](s.b, `(function(){
		const el = document.querySelector('#itemform [name="`+prop+`"]');
		if (el && el.tagName === "SELECT") { return [...el.selectedOptions].map(o => o.text.trim()).join(","); }
		if (el) return el.value;
		const l = document.querySelector('label[for="f-`+prop+`"]');
		const td = l && l.closest("th") && l.closest("th").nextElementSibling;
		return td ? td.innerText.trim() : "" })()`)
	return v
}
