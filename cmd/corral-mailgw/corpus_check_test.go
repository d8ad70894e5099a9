package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/cmd/internal/trackerhome"
	"github.com/corral-tracker/corral/mailgw"
	"github.com/corral-tracker/corral/tracker"
)

// outcomeName names an Outcome as the .want files do.
func outcomeName(o mailgw.Outcome) string {
	switch {
	case o.Status == mailgw.Deferred:
		return "deferred"
	case o.Status == mailgw.Refused:
		return "refused"
	case o.Duplicate:
		return "duplicate"
	case o.Bounced:
		return "bounced"
	case strings.HasPrefix(o.Text, "dropped"):
		return "dropped"
	}
	return "accepted"
}

// check compares the case's expectations with what happened: the first
// delivery's outcome (later ones must be duplicates or drops), the
// tracker's items, and the mail written to the [mail] debug file.
func (c *caseSpec) check(t *testing.T, source string, h *trackerhome.Home, outs []mailgw.Outcome) {
	t.Helper()
	if got := outcomeName(outs[0]); c.outcome != "" && got != c.outcome {
		t.Errorf("[%s] outcome = %s (%+v), want %s", source, got, outs[0], c.outcome)
	}
	for i, o := range outs[1:] {
		if n := outcomeName(o); n != "duplicate" && n != "dropped" {
			t.Errorf("[%s] delivery %d: outcome = %s (%+v), want duplicate", source, i+2, n, o)
		}
	}
	mails := readMails(t, filepath.Join(h.Dir, "mail.mbox"))
	for _, ch := range c.checks {
		kind, rest, _ := strings.Cut(ch, ":")
		if strings.HasPrefix(ch, "bounce ~") {
			kind, rest = "bounce", strings.TrimSpace(strings.TrimPrefix(ch, "bounce ~"))
		}
		rest = strings.TrimSpace(rest)
		switch kind {
		case "item":
			if outs[0].Designator != rest {
				t.Errorf("[%s] item = %q, want %q", source, outs[0].Designator, rest)
			}
		case "get", "has":
			sep := " = "
			if kind == "has" {
				sep = " ~ "
			}
			lhs, want, _ := strings.Cut(rest+" ", sep) // "x = " is an empty value
			want = strings.TrimSuffix(want, " ")
			want = strings.ReplaceAll(want, `\n`, "\n")
			got := readValue(t, h, lhs)
			if kind == "get" && got != want {
				t.Errorf("[%s] %s = %q, want %q", source, lhs, got, want)
			}
			if kind == "has" && !strings.Contains(got, want) {
				t.Errorf("[%s] %s = %q, want it to contain %q", source, lhs, got, want)
			}
		case "count":
			cls, want, _ := strings.Cut(rest, " = ")
			var n int
			h.Service.Read(context.Background(), tracker.AdminID, func(tx *tracker.Tx) error {
				ids, _, err := tx.Filter(strings.TrimSpace(cls), &tracker.Filter{})
				n = len(ids)
				return err
			})
			if strconv.Itoa(n) != want {
				t.Errorf("[%s] count %s = %d, want %s", source, cls, n, want)
			}
		case "mails":
			if strconv.Itoa(len(mails)) != rest {
				t.Errorf("[%s] %d mails written, want %s:\n%s", source, len(mails), rest, summarize(mails))
			}
		case "mail":
			to, text, _ := strings.Cut(rest, " ~ ")
			if !anyMail(mails, to, text) {
				t.Errorf("[%s] no mail to %s containing %q; mails:\n%s", source, to, text, summarize(mails))
			}
		case "bounce":
			if !anyMail(mails, "", rest) || !anyMail(mails, "", "Subject: Failed issue tracker submission") {
				t.Errorf("[%s] no bounce containing %q; mails:\n%s", source, rest, summarize(mails))
			}
		default:
			t.Fatalf("unknown check %q", ch)
		}
	}
}

// readValue reads DESIGNATOR.PROP, formatted as the .want files write it.
func readValue(t *testing.T, h *trackerhome.Home, lhs string) string {
	t.Helper()
	d, prop, _ := strings.Cut(strings.TrimSpace(lhs), ".")
	cls, id, ok := tracker.SplitDesignator(d)
	if !ok {
		t.Fatalf("bad designator in %q", lhs)
	}
	var out string
	err := h.Service.Read(context.Background(), tracker.AdminID, func(tx *tracker.Tx) error {
		if prop == "content" {
			b, err := tx.Content(cls, id)
			out = string(b)
			return err
		}
		it, err := tx.Get(cls, id)
		if err != nil {
			return err
		}
		switch prop {
		case "creator":
			out = it.Creator
			return nil
		case "retired":
			out = strconv.FormatBool(it.Retired)
			return nil
		}
		out = formatValue(it.Values[prop])
		return nil
	})
	if err != nil {
		return "error: " + err.Error()
	}
	return out
}

func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case string:
		return x
	case []string:
		return strings.Join(x, ",")
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case tracker.Password:
		return "{password}"
	}
	return "?"
}

// mailText is one mail from the debug mbox: its headers and decoded
// text parts.
type mailText struct{ to, text string }

func readMails(t *testing.T, path string) []mailText {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var out []mailText
	for _, m := range mailgw.SplitMbox(b) {
		p := mailgw.ParsePart(m.Data)
		var text strings.Builder
		head, _, _ := strings.Cut(string(m.Data), "\n\n")
		text.WriteString(head + "\n\n")
		var walk func(p *mailgw.Part)
		walk = func(p *mailgw.Part) {
			if len(p.Parts) > 0 && p.Type != "message/rfc822" {
				for _, c := range p.Parts {
					walk(c)
				}
				return
			}
			if strings.HasPrefix(p.Type, "text/") {
				text.WriteString(p.Text() + "\n")
			}
		}
		walk(p)
		out = append(out, mailText{to: p.Header.Get("x-corral-envelope-to"), text: text.String()})
	}
	return out
}

func anyMail(mails []mailText, to, text string) bool {
	for _, m := range mails {
		if (to == "" || strings.Contains(m.to, to)) && strings.Contains(m.text, text) {
			return true
		}
	}
	return false
}

func summarize(mails []mailText) string {
	var b strings.Builder
	for _, m := range mails {
		subj := ""
		for _, l := range strings.Split(m.text, "\n") {
			if strings.HasPrefix(l, "Subject: ") {
				subj = l
				break
			}
		}
		b.WriteString("  to " + m.to + ": " + subj + "\n")
	}
	return b.String()
}
