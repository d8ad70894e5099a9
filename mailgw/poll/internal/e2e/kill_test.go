package e2e

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/corral-tracker/corral/mailgw/poll/internal/dovecottest"
)

// TestIMAPKill9: corral-mailgw --watch imap ingests 1,000 messages from
// dovecot and is killed with SIGKILL at random points, then restarted;
// at the end every message is in the tracker exactly once and \Seen in
// the mailbox. The kill points are random but reproducible: the seed is
// logged.
func TestIMAPKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	const total = 1000
	start := time.Now()
	dc := dovecottest.Start(t)
	tr := newTracker(t)
	t.Logf("%v: dovecot and the tracker are ready", time.Since(start).Round(time.Millisecond))

	c, err := imapclient.DialTLS(dc.IMAPS, &imapclient.Options{TLSConfig: dc.TLS})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(dovecottest.User, dovecottest.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	for first := 1; first <= total; first += 100 { // pipelined in batches
		var cmds []*imapclient.AppendCommand
		for n := first; n < first+100 && n <= total; n++ {
			raw := mailMessage(n)
			cmd := c.Append("INBOX", int64(len(raw)), nil)
			cmd.Write(raw)
			cmd.Close()
			cmds = append(cmds, cmd)
		}
		for _, cmd := range cmds {
			if _, err := cmd.Wait(); err != nil {
				t.Fatalf("APPEND: %v", err)
			}
		}
	}
	t.Logf("%v: %d messages appended", time.Since(start).Round(time.Millisecond), total)
	unseen := func() int {
		if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
			t.Fatalf("EXAMINE: %v", err)
		}
		data, err := c.UIDSearch(&imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen}}, nil).Wait()
		if err != nil {
			t.Fatalf("SEARCH: %v", err)
		}
		return len(data.AllUIDs())
	}

	env := []string{
		"CORRAL_MAIL_PASSWORD=" + dovecottest.Password,
		"SSL_CERT_FILE=" + dc.CertFile, // trust dovecot's certificate (STARTTLS)
	}
	args := []string{"--watch", "--queue-only", tr.home, "imap", dovecottest.User + "@" + dc.IMAP, "INBOX"}

	seed := time.Now().UnixNano()
	t.Logf("kill schedule seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	// Each round starts corral-mailgw, waits until it is ingesting (the
	// unseen count drops), lets it run a random while longer, and kills
	// it: the kills land mid-ingest, between or inside transactions.
	kills, redone := 0, 0
	for left := unseen(); kills < 8 && left > 0; left = unseen() {
		d := startMailgw(t, env, args...)
		waitFor(t, time.Minute, "corral-mailgw to start ingesting", func() bool {
			if !d.running() {
				d.failExited(t)
			}
			return unseen() < left
		})
		time.Sleep(time.Duration(rng.IntN(400)) * time.Millisecond)
		d.kill()
		kills++
		redone += strings.Count(d.log.String(), "duplicate=true")
		t.Logf("%v: kill -9 #%d with %d messages unseen", time.Since(start).Round(time.Millisecond), kills, unseen())
	}

	t.Logf("%v: %d kills; a last run to the end", time.Since(start).Round(time.Millisecond), kills)
	d := startMailgw(t, env, args...)
	waitFor(t, 3*time.Minute, "every message to be seen", func() bool {
		if !d.running() {
			d.failExited(t)
		}
		return unseen() == 0
	})
	t.Logf("%v: all seen", time.Since(start).Round(time.Millisecond))
	if err := d.stop(); err != nil {
		t.Error(err)
	}
	// Messages committed before a kill but not yet \Seen come round again
	// and are recognised by Message-ID (the window is short: few are).
	redone += strings.Count(d.log.String(), "duplicate=true")
	t.Logf("%d messages were handed over again after a kill and skipped as duplicates", redone)

	titles := tr.titles()
	missing, twice := 0, 0
	for n := 1; n <= total; n++ {
		switch k := titles[fmt.Sprintf("e2e message %d", n)]; {
		case k == 0:
			missing++
		case k > 1:
			twice++
		}
	}
	if missing != 0 || twice != 0 || len(titles) != total {
		t.Errorf("after %d kills: %d issues, %d messages missing, %d more than once; want %d, each once", kills, len(titles), missing, twice, total)
	}
	if n := tr.count("msg"); n != total {
		t.Errorf("msg items = %d, want %d", n, total)
	}
}
