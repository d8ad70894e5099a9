package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/corral-tracker/corral/cmd/internal/trackerhome"
	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/benchdata"
)

var gatewayRE = regexp.MustCompile(`msg=listening .*?addr=(\S+)`)

// startGateway runs `corral-mailgw --queue-only HOME SOURCE 127.0.0.1:0`
// and returns the address it listens on.
func startGateway(t *testing.T, bin, home, source string) string {
	t.Helper()
	cmd := exec.Command(bin, "--queue-only", home, source, "127.0.0.1:0")
	errs, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(errs)
		for sc.Scan() {
			if m := gatewayRE.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
			if strings.Contains(sc.Text(), "level=ERROR") || strings.Contains(sc.Text(), "level=WARN") {
				t.Log("gateway: " + sc.Text())
			}
		}
	}()
	select {
	case a := <-addr:
		return a
	case <-time.After(time.Minute):
		t.Fatal("corral-mailgw did not start")
		return ""
	}
}

// TestMail drives a real corral-mailgw over SMTP and then LMTP with the
// mail subcommand, against a generated home, and checks that every reply
// it counted became a message on the issue it named, from the user it
// named.
func TestMail(t *testing.T) {
	if testing.Short() {
		t.Skip("builds corral-mailgw")
	}
	ctx := context.Background()
	home := filepath.Join(t.TempDir(), "home")
	var out bytes.Buffer
	// 20 users sending thousands of messages a second: the listener's
	// per-sender pace is off for this test.
	if err := run(ctx, []string{"generate", "-scale", "small", "-set", "mailgw_sender_interval=0", home}, &out); err != nil {
		t.Fatalf("generate: %v\n%s", err, out.String())
	}
	cfg, _, err := trackerhome.LoadConfig(home, nil)
	if err != nil {
		t.Fatal(err)
	}
	to := cfg.Address("tracker", "email")
	spec := benchdata.Small()
	bin := buildCmd(t, "corral-mailgw")
	sent := 0
	for _, source := range []string{"smtp", "lmtp"} {
		addr := startGateway(t, bin, home, source)
		out.Reset()
		args := []string{"mail", "-to", to, "-c", "3", "-d", "700ms", "-warmup", "0s", "-issues", "200", "-users", "20", addr}
		if source == "lmtp" {
			args = append(args[:1], append([]string{"-lmtp"}, args[1:]...)...)
		}
		if err := run(ctx, args, &out); err != nil {
			t.Fatalf("%s: corral-load mail: %v\n%s", source, err, out.String())
		}
		m := regexp.MustCompile(`^(\d+) messages in .* 0 errors`).FindStringSubmatch(out.String())
		if m == nil || m[1] == "0" {
			t.Fatalf("%s: report %q", source, out.String())
		}
		n, _ := strconv.Atoi(m[1])
		sent += n
	}

	h, err := trackerhome.Open(ctx, home, trackerhome.Options{NoDetectors: true})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	total, err := benchdata.Count(ctx, h.Service, "msg")
	if err != nil {
		t.Fatal(err)
	}
	// Every transaction the senders counted was committed and every one
	// they started was counted (drive waits for the calls in flight).
	if total != spec.Messages+sent {
		t.Errorf("messages: %d; want %d + %d sent", total, spec.Messages, sent)
	}
	err = h.Service.Read(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		last, err := tx.Get("msg", strconv.Itoa(total)) // ids are sequential, none retired
		if err != nil {
			return err
		}
		body, err := tx.Content("msg", last.ID)
		if err != nil {
			return err
		}
		content := string(body)
		author, _ := last.Values["author"].(string)
		u, err := tx.Get("user", author)
		if err != nil {
			return err
		}
		if !strings.Contains(content, "from corral-load") || strings.Contains(content, "\n-- ") {
			t.Errorf("last message content %q", content)
		}
		if addr, _ := u.Values["address"].(string); !strings.HasSuffix(addr, "@example.org") || !strings.HasPrefix(addr, "user") {
			t.Errorf("last message by %v", u.Values)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
