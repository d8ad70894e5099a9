package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/corral-tracker/corral/cmd/internal/trackerhome"
	"github.com/corral-tracker/corral/mailgw"
	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/notify"
)

// The corpus: mailgw/testdata/corpus/NAME.eml with NAME.want beside it.
// A .want file holds one directive per line (# comments):
//
//	config: SECTION.OPTION = VALUE   config.ini setting for this case
//	schema: LINE                     a line appended to schema.py
//	args: -c CLASS | -S VALUE        command-line options (repeatable)
//	setup: DESIGNATOR PROP=VALUE...  set values (as admin) before the mail
//	setup: otk KEY PROP=VALUE...     a pending registration under KEY
//	repeat: N                        deliver the mail N times
//	outcome: accepted|bounced|dropped|duplicate|deferred
//	item: DESIGNATOR                 what the mail created or updated
//	get: DESIGNATOR.PROP = VALUE     a value afterwards (lists: ids joined
//	                                 by ',', None when unset, \n escapes)
//	has: DESIGNATOR.PROP ~ TEXT      a String value contains TEXT
//	count: CLASS = N                 number of active items
//	mails: N                         mails written to the [mail] debug file
//	mail: ADDRESS ~ TEXT             a mail to ADDRESS contains TEXT
//	                                 (headers or decoded text parts)
//	bounce ~ TEXT                    the bounce contains TEXT
//	smtp: skip                       not run through the SMTP/LMTP listener
//
// Each case runs on a fresh copy of the fixture home.

const corpusDir = "../../mailgw/testdata/corpus"

type caseSpec struct {
	name, eml string
	raw       []byte
	config    [][3]string
	schema    []string
	args      []string
	setup     []string
	repeat    int
	checks    []string
	outcome   string
	smtpSkip  bool
}

func loadCorpus(t testing.TB) []*caseSpec {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no corpus under %s", corpusDir)
	}
	sort.Strings(files)
	var out []*caseSpec
	for _, f := range files {
		c := &caseSpec{name: strings.TrimSuffix(filepath.Base(f), ".eml"), eml: f, repeat: 1}
		if c.raw, err = os.ReadFile(f); err != nil {
			t.Fatal(err)
		}
		wf, err := os.Open(strings.TrimSuffix(f, ".eml") + ".want")
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		sc := bufio.NewScanner(wf)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			key, val, _ := strings.Cut(line, ":")
			if strings.HasPrefix(line, "bounce ~") {
				key, val = "check", line
			}
			val = strings.TrimSpace(val)
			switch key {
			case "config":
				name, v, _ := strings.Cut(val, "=")
				sec, opt, _ := strings.Cut(strings.TrimSpace(name), ".")
				c.config = append(c.config, [3]string{sec, opt, strings.TrimSpace(v)})
			case "schema":
				c.schema = append(c.schema, val)
			case "args":
				c.args = append(c.args, strings.Fields(val)...)
			case "setup":
				c.setup = append(c.setup, val)
			case "repeat":
				c.repeat, _ = strconv.Atoi(val)
			case "outcome":
				c.outcome = val
			case "smtp":
				c.smtpSkip = val == "skip"
			case "item", "get", "has", "count", "mails", "mail":
				c.checks = append(c.checks, key+": "+val)
			case "check":
				c.checks = append(c.checks, val)
			default:
				t.Fatalf("%s.want: unknown directive %q", c.name, line)
			}
		}
		wf.Close()
		out = append(out, c)
	}
	return out
}

// prepare makes the case's home: a fixture copy with its config and
// schema lines.
func (c *caseSpec) prepare(t testing.TB) string {
	t.Helper()
	home := copyHome(t)
	for _, cf := range c.config {
		setIni(t, filepath.Join(home, "config.ini"), cf[0], cf[1], cf[2])
	}
	if len(c.schema) > 0 {
		f, err := os.OpenFile(filepath.Join(home, "schema.py"), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString("\n" + strings.Join(c.schema, "\n") + "\n")
		f.Close()
	}
	if len(c.setup) > 0 {
		h, err := trackerhome.Open(context.Background(), home, trackerhome.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range c.setup {
			if err := runSetup(h, s); err != nil {
				h.Close()
				t.Fatalf("setup %q: %v", s, err)
			}
		}
		h.Close()
	}
	return home
}

func runSetup(h *trackerhome.Home, s string) error {
	f := strings.Fields(s)
	return h.Service.Update(context.Background(), tracker.AdminID, func(tx *tracker.Tx) error {
		raw := map[string]string{}
		for _, kv := range f[1:] {
			if k, v, ok := strings.Cut(kv, "="); ok {
				raw[k] = strings.ReplaceAll(v, "_", " ")
			}
		}
		if f[0] == "otk" {
			props := map[string]string{}
			for _, kv := range f[2:] {
				k, v, _ := strings.Cut(kv, "=")
				props[k] = v
			}
			b := fmt.Sprintf(`{"username":%q,"address":%q,"realname":%q}`, props["username"], props["address"], props["realname"])
			return tx.PutOTK(&tracker.OTK{Key: f[1], Kind: tracker.OTKRegister, Data: []byte(b), Expires: time.Now().Add(time.Hour)})
		}
		if f[0] == "retire" {
			cls, id, _ := tracker.SplitDesignator(f[1])
			return tx.Retire(cls, id)
		}
		cls, id, ok := tracker.SplitDesignator(f[0])
		if !ok {
			return fmt.Errorf("bad designator %q", f[0])
		}
		vals, err := tx.ParseValues(cls, id, raw)
		if err != nil {
			return err
		}
		return tx.Set(cls, id, vals)
	})
}

// caseGateway opens the home and builds the gateway as the command does.
func caseGateway(t testing.TB, home string, args []string) (*trackerhome.Home, *mailgw.Gateway, *notify.Mailer) {
	t.Helper()
	h, err := trackerhome.Open(context.Background(), home, trackerhome.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	o, err := parseFlags(append(append([]string{}, args...), home))
	if err != nil {
		t.Fatal(err)
	}
	mailer, err := h.Mailer(nil)
	if err != nil {
		t.Fatal(err)
	}
	gopts, err := gatewayOptions(h.Config, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	gw, err := mailgw.New(h.Service, mailer, gopts)
	if err != nil {
		t.Fatal(err)
	}
	return h, gw, mailer
}

// TestCorpus runs every case through Handle with source stdin, and
// through ProcessMbox with source mbox.
func TestCorpus(t *testing.T) {
	cases := loadCorpus(t)
	if len(cases) < 60 {
		t.Errorf("corpus has %d cases, want at least 60", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			for _, source := range []string{mailgw.SourceStdin, mailgw.SourceMbox} {
				home := c.prepare(t)
				h, gw, mailer := caseGateway(t, home, c.args)
				var outs []mailgw.Outcome
				for i := 0; i < c.repeat; i++ {
					if source == mailgw.SourceStdin {
						outs = append(outs, gw.Handle(context.Background(), mailgw.Envelope{Source: source}, c.raw))
						continue
					}
					rec := &recorder{h: gw}
					box := filepath.Join(t.TempDir(), "inbox")
					os.WriteFile(box, mboxOf(c.raw), 0o600)
					if _, err := mailgw.ProcessMbox(context.Background(), rec, box); err != nil {
						t.Fatalf("ProcessMbox: %v", err)
					}
					if len(rec.outs) != 1 {
						t.Fatalf("mbox: %d messages handled, want 1", len(rec.outs))
					}
					if left, _ := os.ReadFile(box); (len(left) == 0) != (rec.outs[0].Status != mailgw.Deferred) {
						t.Errorf("mbox after %v: %d bytes left", rec.outs[0].Status, len(left))
					}
					outs = append(outs, rec.outs[0])
				}
				if _, err := notify.NewWorker(mailer, "test").Drain(context.Background()); err != nil {
					t.Fatalf("delivering: %v", err)
				}
				c.check(t, source, h, outs)
			}
		})
	}
}

type recorder struct {
	h    mailgw.Handler
	outs []mailgw.Outcome
}

func (r *recorder) Handle(ctx context.Context, env mailgw.Envelope, raw []byte) mailgw.Outcome {
	out := r.h.Handle(ctx, env, raw)
	r.outs = append(r.outs, out)
	return out
}

// mboxOf wraps one message as an mbox file (mboxrd escaping).
func mboxOf(raw []byte) []byte {
	var b strings.Builder
	b.WriteString("From sender@example.com Mon Jan  1 00:00:00 2024\n")
	for _, line := range strings.SplitAfter(string(raw), "\n") {
		if strings.HasPrefix(strings.TrimLeft(line, ">"), "From ") {
			b.WriteByte('>')
		}
		b.WriteString(line)
	}
	b.WriteString("\n")
	return []byte(b.String())
}
