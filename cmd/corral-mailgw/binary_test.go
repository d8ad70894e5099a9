package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/corral-tracker/corral/cmd/internal/trackerhome"
	"github.com/corral-tracker/corral/mailgw"
)

// TestBinaryStdin pipes corpus cases into the real corral-mailgw, as an
// MTA alias does, and checks exit status 0, the tracker and the [mail]
// debug file (the binary delivers what it queued before exiting). The
// outcome is read from the binary's JSON log line "mail handled".
func TestBinaryStdin(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := binary(t)
	for i, c := range loadCorpus(t) {
		if i%3 != 0 && !strings.Contains(c.name, "dup") && !strings.Contains(c.name, "help") {
			continue // a third of the corpus, and every repeat case
		}
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			home := c.prepare(t)
			var outs []mailgw.Outcome
			for n := 0; n < c.repeat; n++ {
				args := append(append([]string{"--log-format", "json"}, c.args...), home)
				cmd := exec.Command(bin, args...)
				cmd.Stdin = bytes.NewReader(c.raw)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				if err := cmd.Run(); err != nil {
					t.Fatalf("corral-mailgw: %v\n%s", err, stderr.String())
				}
				outs = append(outs, loggedOutcome(t, stderr.Bytes()))
			}
			h, err := trackerhome.Open(context.Background(), home, trackerhome.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			c.check(t, "binary", h, outs)
		})
	}
}

// loggedOutcome reads the gateway's "mail handled" JSON log line.
func loggedOutcome(t *testing.T, log []byte) mailgw.Outcome {
	t.Helper()
	sc := bufio.NewScanner(bytes.NewReader(log))
	for sc.Scan() {
		var rec struct {
			Msg        string `json:"msg"`
			Status     string `json:"status"`
			Designator string `json:"designator"`
			Bounced    bool   `json:"bounced"`
			Duplicate  bool   `json:"duplicate"`
			Detail     string `json:"detail"`
		}
		if json.Unmarshal(sc.Bytes(), &rec) != nil || rec.Msg != "mail handled" {
			continue
		}
		o := mailgw.Outcome{Designator: rec.Designator, Bounced: rec.Bounced, Duplicate: rec.Duplicate, Text: rec.Detail}
		switch rec.Status {
		case "refused":
			o.Status = mailgw.Refused
		case "deferred":
			o.Status = mailgw.Deferred
		}
		return o
	}
	t.Fatalf("no \"mail handled\" line in the log:\n%s", log)
	return mailgw.Outcome{}
}

// TestBinaryTempFail: a tracker whose database cannot be opened makes
// the binary exit 75 (EX_TEMPFAIL) so the MTA retries; once it is back
// the same message goes in, once, however often the MTA retries.
func TestBinaryTempFail(t *testing.T) {
	bin := binary(t)
	home := copyHome(t)
	raw := []byte("From: Bob <bob@example.com>\nSubject: Re: [issue2] IDLE freezes\nMessage-Id: <tempfail@example.com>\n\nRetry me.\n")
	db := filepath.Join(home, "db", "db")
	if err := os.Rename(db, db+".away"); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(db, 0o755) // a directory where the database should be
	run := func() (int, string) {
		cmd := exec.Command(bin, home)
		cmd.Stdin = bytes.NewReader(raw)
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode(), string(out)
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0, string(out)
	}
	if code, out := run(); code != exitTempFail {
		t.Fatalf("broken database: exit %d, want %d\n%s", code, exitTempFail, out)
	}
	os.Remove(db)
	if err := os.Rename(db+".away", db); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if code, out := run(); code != 0 {
			t.Fatalf("retry %d: exit %d\n%s", i, code, out)
		}
	}
	h, err := trackerhome.Open(context.Background(), home, trackerhome.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if got := readValue(t, h, "issue2.messages"); got != "2,7" {
		t.Errorf("issue2.messages = %q after retries, want 2,7 (once)", got)
	}
}

// TestBinaryUsage: exit statuses of the command line.
func TestBinaryUsage(t *testing.T) {
	bin := binary(t)
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"--help"}, 0},
		{[]string{"--version"}, 0},
		{[]string{}, exitUsage},
		{[]string{"--no-such-flag", "x"}, exitUsage},
		{[]string{"home", "carrier-pigeon", "x"}, exitUsage},
		{[]string{"home", "mailbox"}, exitUsage},
		{[]string{filepath.Join(t.TempDir(), "missing")}, exitTempFail}, // stdin: the MTA retries
		{[]string{filepath.Join(t.TempDir(), "missing"), "mailbox", "x"}, 1},
	} {
		cmd := exec.Command(bin, c.args...)
		cmd.Stdin = strings.NewReader("Subject: x\n\ny\n")
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := cmd.Run()
		cancel()
		_ = ctx
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		}
		if code != c.code {
			t.Errorf("corral-mailgw %v: exit %d, want %d", c.args, code, c.code)
		}
	}
}
