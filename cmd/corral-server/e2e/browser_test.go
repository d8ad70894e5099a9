package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser is one headless Chromium with one tab.
type browser struct {
	ctx context.Context
	// artifacts is where screenshots go on failure (made on first use).
	artifacts string
}

// newBrowser starts Chromium with a fresh profile, no background
// networking, and every host name but loopback unresolvable.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return &browser{ctx: ctx}
}

// run runs actions with a generous deadline (a loaded 2-core machine).
func (b *browser) run(actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	return chromedp.Do(ctx, actions...)
}

// value runs one action that returns a value, with the same deadline.
func value[T any](b *browser, a chromedp.Action[T]) (T, error) {
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	return chromedp.Run(ctx, a)
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](b *browser, expr string) (T, error) {
	return value(b, chromedp.Evaluate[T](expr))
}

// mustEval evaluates expr and fails the step on error.
func mustEval[T any](t *testing.T, b *browser, what, expr string) T {
	t.Helper()
	v, err := eval[T](b, expr)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// must runs actions and fails the step on error.
func (b *browser) must(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := b.run(actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// screenshot saves a full-page PNG of the current page as NAME.png in
// the artifacts directory and returns its path.
func (b *browser) screenshot(name string) (string, error) {
	if b.artifacts == "" {
		dir := filepath.Join(os.TempDir(), "corral-e2e-"+time.Now().Format("20060102-150405.000"))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		b.artifacts = dir
	}
	png, err := value(b, chromedp.FullScreenshot(100))
	if err != nil {
		return "", err
	}
	p := filepath.Join(b.artifacts, name+".png")
	return p, os.WriteFile(p, png, 0o644)
}

// shoot saves screenshots of the current page and of urls (name → URL)
// and logs where they are.
func (b *browser) shoot(t *testing.T, current string, urls [][2]string) {
	t.Helper()
	var saved []string
	if current != "" {
		if p, err := b.screenshot(current); err == nil {
			saved = append(saved, p)
		}
	}
	for _, u := range urls {
		if err := b.run(chromedp.Navigate(u[1])); err != nil {
			continue
		}
		if p, err := b.screenshot(u[0]); err == nil {
			saved = append(saved, p)
		}
	}
	if len(saved) > 0 {
		t.Logf("screenshots in %s: %s", b.artifacts, strings.Join(saved, ", "))
	}
}

// location returns the current URL.
func (b *browser) location() string {
	u, _ := value(b, chromedp.Location())
	return u
}

// text returns the text of the first element matching sel ("" if none).
func (b *browser) text(sel string) string {
	s, _ := eval[string](b, `(function(){const e=document.querySelector(`+jsString(sel)+`);return e?e.innerText:""})()`)
	return s
}

// exists reports whether sel matches an element now (no waiting).
func (b *browser) exists(sel string) bool {
	ok, _ := eval[bool](b, `document.querySelector(`+jsString(sel)+`)!==null`)
	return ok
}

// pending reports whether the page is the 501 of a handler not built
// yet (tracker/web/pending.go).
func (b *browser) pending() bool {
	title, _ := value(b, chromedp.Title())
	return strings.Contains(title, "Not Implemented") || strings.Contains(b.text("main"), "is not built yet")
}

// submitForm clicks the element matching button and waits for the next
// page to load.
func (b *browser) submitForm(t *testing.T, button string) {
	t.Helper()
	mustEval[string](t, b, "marking the page", `document.documentElement.dataset.e2e = "old"`)
	b.must(t, "clicking "+button, chromedp.Click(chromedp.CSS(button)))
	deadline := time.Now().Add(time.Minute)
	for {
		ok, err := eval[bool](b, `document.readyState === "complete" && document.documentElement.dataset.e2e !== "old"`)
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no new page after clicking %s (at %s)", button, b.location())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// clickText clicks the first button or link whose text is label and
// waits for the next page.
func (b *browser) clickText(t *testing.T, label string) {
	t.Helper()
	found := mustEval[bool](t, b, "finding "+label, `(function(){
		for (const e of document.querySelectorAll("button, a, input[type=submit]")) {
			if ((e.innerText || e.value || "").trim() === `+jsString(label)+`) { e.setAttribute("data-e2e-target", "1"); return true; }
		}
		return false })()`)
	if !found {
		t.Fatalf("no button or link %q on %s", label, b.location())
	}
	b.submitForm(t, `[data-e2e-target="1"]`)
}

// setField sets form field name inside form sel: text inputs and
// textareas get value; selects get the option whose value or label is
// value (added to a multiple select's selection).
func (b *browser) setField(t *testing.T, form, name, value string) {
	t.Helper()
	res := mustEval[string](t, b, "setting "+name, `(function(){
		const el = document.querySelector(`+jsString(form)+` + " [name=\"" + `+jsString(name)+` + "\"]");
		if (!el) return "missing";
		if (el.tagName === "SELECT") {
			let hit = false;
			for (const o of el.options) {
				const m = o.value === `+jsString(value)+` || o.text.trim() === `+jsString(value)+`;
				if (m) hit = true;
				o.selected = m || (el.multiple && o.selected);
			}
			return hit ? "ok" : "no option";
		}
		el.value = `+jsString(value)+`;
		return "ok" })()`)
	if res != "ok" {
		t.Fatalf("field %q in %s: %s (page %s)", name, form, res, b.location())
	}
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "<", `\x3c`)
	return `"` + r.Replace(s) + `"`
}

// checkPending skips (or, with CORRAL_E2E_STRICT=1, fails) a step whose
// page is a 501 Not Implemented.
func (b *browser) checkPending(t *testing.T, what string) {
	t.Helper()
	if !b.pending() {
		return
	}
	msg := fmt.Sprintf("%s: the handler answers 501 Not Implemented (tracker/web/pending.go)", what)
	if os.Getenv("CORRAL_E2E_STRICT") == "1" {
		t.Fatal(msg)
	}
	t.Skip("pending: " + msg)
}
