package trackerhome

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/corral-tracker/corral/templates"
	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/notify"
)

func TestInstallInitialiseEveryTemplate(t *testing.T) {
	for _, tpl := range templates.Names() {
		t.Run(tpl, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "demo")
			if err := Install(dir, tpl, "sqlite", nil); err != nil {
				t.Fatalf("Install(%s): %v", tpl, err)
			}
			checkInitialise(t, dir)
		})
	}
}

func checkInitialise(t *testing.T, dir string) {
	ctx := context.Background()
	h, err := Initialise(ctx, dir, "secret", false, Options{})
	if err != nil {
		t.Fatalf("Initialise: %v", err)
	}
	err = h.Service.Read(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		id, err := tx.Lookup("user", "admin")
		if err != nil || id != "1" {
			return fmt.Errorf("admin user = %q, %v; want 1", id, err)
		}
		u, err := tx.Get("user", id)
		if err != nil {
			return err
		}
		if pw, _ := u.Values["password"].(tracker.Password); !pw.Verify("secret") {
			return fmt.Errorf("admin password does not verify")
		}
		if a, err := tx.Lookup("user", "anonymous"); err != nil || a != "2" {
			return fmt.Errorf("anonymous = %q, %v; want 2", a, err)
		}
		return nil
	})
	h.Close()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Initialise(ctx, dir, "other", false, Options{}); !errors.Is(err, ErrExists) {
		t.Fatalf("second Initialise without wipe: err = %v, want ErrExists", err)
	}
	h, err = Initialise(ctx, dir, "other", true, Options{})
	if err != nil {
		t.Fatalf("Initialise with wipe: %v", err)
	}
	defer h.Close()
	h.Service.Read(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		u, err := tx.Get("user", "1")
		if err != nil {
			t.Fatal(err)
		}
		if pw, _ := u.Values["password"].(tracker.Password); !pw.Verify("other") {
			t.Error("after wipe: admin password is not the new one")
		}
		return nil
	})
}

func TestPythonDevIDs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "python-dev")
	if err := Install(dir, "python-dev", "", nil); err != nil {
		t.Fatal(err)
	}
	h, err := Initialise(context.Background(), dir, "secret", false, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	h.Service.Read(context.Background(), tracker.AdminID, func(tx *tracker.Tx) error {
		for _, c := range []struct{ class, key, id string }{
			{"status", "open", "1"}, {"status", "closed", "2"}, {"status", "pending", "3"}, {"status", "languishing", "4"},
			{"priority", "release blocker", "1"}, {"keyword", "patch", "5"},
		} {
			if id, err := tx.Lookup(c.class, c.key); err != nil || id != c.id {
				t.Errorf("Lookup(%s, %q) = %q, %v; want %s (bpo's id)", c.class, c.key, id, err, c.id)
			}
		}
		return nil
	})
	if h.Config.String("tracker", "web") != "http://localhost:8080/python-dev/" {
		t.Errorf("[tracker] web = %q", h.Config.String("tracker", "web"))
	}
}

func TestInitialisePostgres(t *testing.T) {
	dsn := os.Getenv("CORRAL_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("CORRAL_TEST_POSTGRES not set")
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("corral_home_test_%d", time.Now().UnixNano()%1e9)
	settings := map[string]string{"rdbms_name": name, "rdbms_host": u.Hostname(), "rdbms_port": u.Port(), "rdbms_user": u.User.Username()}
	dir := filepath.Join(t.TempDir(), "pg")
	if err := Install(dir, "classic", "postgresql", settings); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		if c, err := pgx.Connect(ctx, dsn); err == nil {
			c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
	})
	checkInitialise(t, dir)
}

func TestMailThroughDebugFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pd")
	if err := Install(dir, "python-dev", "sqlite", map[string]string{"mail_debug": "mail.mbox"}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	h, err := Initialise(ctx, dir, "secret", false, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	err = h.Service.Update(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		u, err := tx.Create("user", tracker.Values{"username": "alice", "address": "alice@example.com", "roles": "User"})
		if err != nil {
			return err
		}
		m, err := tx.Create("msg", tracker.Values{"content": "hello", "author": tracker.AdminID})
		if err != nil {
			return err
		}
		_, err = tx.Create("issue", tracker.Values{"title": "mailed", "messages": []string{m}, "nosy": []string{u}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	m, err := h.Mailer(nil)
	if err != nil {
		t.Fatal(err)
	}
	n, err := notify.NewWorker(m, "test").Drain(ctx)
	if err != nil || n != 1 {
		t.Fatalf("Drain = %d, %v; want 1 event", n, err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "mail.mbox"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"X-Corral-Envelope-To: alice@example.com\n", "Subject: [issue1] mailed\n",
		"From: admin <issue_tracker@localhost>\n", "List-Unsubscribe: <http://localhost:8080/pd/issue1?@action=unsubscribe&token="} {
		if !strings.Contains(string(b), w) {
			t.Errorf("debug mbox lacks %q:\n%s", w, b)
		}
	}
}
