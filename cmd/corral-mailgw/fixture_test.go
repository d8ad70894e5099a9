package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/corral-tracker/corral/cmd/internal/trackerhome"
	"github.com/corral-tracker/corral/tracker"
)

// The corpus runs against copies of one fixture home: python-dev on
// SQLite with outgoing mail in the [mail] debug mbox, users alice (User),
// bob (Developer, with alternate addresses), carol (Coordinator), dave
// (no roles), mo (role Mailonly: Email Access and issues only), and a few
// issues with known Message-Ids.

const fixtureDomain = "tracker.example"

var (
	fixtureOnce sync.Once
	fixtureDir  string
	fixtureErr  error
	workDir     string
	binOnce     sync.Once
	binPath     string
	binErr      error
)

func TestMain(m *testing.M) {
	d, err := os.MkdirTemp("", "corral-mailgw-test-")
	if err != nil {
		panic(err)
	}
	workDir = d
	code := m.Run()
	os.RemoveAll(workDir)
	os.Exit(code)
}

// mailonlyRole is appended to the fixture's schema.py.
const mailonlyRole = `
# test fixture: a role that may mail about issues but nothing else
db.security.addRole(name='Mailonly', description='mail about issues only')
db.security.addPermissionToRole('Mailonly', 'Email Access')
db.security.addPermissionToRole('Mailonly', 'Create', 'issue')
db.security.addPermissionToRole('Mailonly', 'Edit', 'issue')
`

// fixture returns the directory of the fixture home (built once).
func fixture(t testing.TB) string {
	t.Helper()
	fixtureOnce.Do(func() { fixtureDir, fixtureErr = buildFixture() })
	if fixtureErr != nil {
		t.Fatalf("building the fixture home: %v", fixtureErr)
	}
	return fixtureDir
}

func buildFixture() (string, error) {
	dir := filepath.Join(workDir, "fixture")
	err := trackerhome.Install(dir, "python-dev", "sqlite", map[string]string{
		"mail_debug": "mail.mbox", "mail_domain": fixtureDomain, "tracker_web": "https://tracker.example/",
		"tracker_email": "issues", "admin_email": "roundup-admin",
		"password_pbkdf2_default_rounds": "1000", // fast test users
	})
	if err != nil {
		return "", err
	}
	f, err := os.OpenFile(filepath.Join(dir, "schema.py"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return "", err
	}
	f.WriteString(mailonlyRole)
	f.Close()
	ctx := context.Background()
	h, err := trackerhome.Initialise(ctx, dir, "secret", false, trackerhome.Options{})
	if err != nil {
		return "", err
	}
	defer h.Close()
	svc := h.Service
	type user struct{ name, roles, addr, real, alt string }
	for _, u := range []user{
		{"alice", "User", "alice@example.com", "Alice Liddell", ""},
		{"bob", "Developer", "bob@example.com", "Bob", "bob@work.example\nrobert@example.org"},
		{"carol", "Coordinator", "carol@example.com", "Carol", ""},
		{"dave", "", "dave@example.com", "Dave", ""},
		{"mo", "Mailonly", "mo@example.com", "Mo", ""},
	} {
		err := svc.Update(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
			raw := map[string]string{"username": u.name, "roles": u.roles, "address": u.addr, "realname": u.real, "password": "secret"}
			if u.alt != "" {
				raw["alternate_addresses"] = u.alt
			}
			vals, err := tx.ParseValues("user", "", raw)
			if err != nil {
				return err
			}
			_, err = tx.Create("user", vals)
			return err
		})
		if err != nil {
			return "", fmt.Errorf("user %s: %w", u.name, err)
		}
	}
	// issue: creator, title, message-id(s), extra values
	type issue struct {
		creator, title string
		msgs           []string
		raw            map[string]string
	}
	msgIDs := map[string]string{}
	for _, is := range []issue{
		{"3", "json.loads crashes on deeply nested input", []string{"<fixture-msg1@example.com>"}, map[string]string{"type": "crash", "nosy": "alice"}},
		{"4", "IDLE freezes", []string{"<fixture-msg2@example.com>"}, map[string]string{"nosy": "bob"}},
		{"3", "Old retired issue", []string{"<fixture-msg3@example.com>"}, nil},
		{"4", "Duplicate title", []string{"<fixture-msg4@example.com>", "<fixture-shared@example.com>"}, nil},
		{"5", "Duplicate title", []string{"<fixture-shared@example.com>"}, nil},
		{"3", "Pending thing", []string{"<fixture-msg6@example.com>"}, map[string]string{"status": "pending"}},
	} {
		err := svc.Update(ctx, is.creator, func(tx *tracker.Tx) error {
			var ids []string
			for _, mid := range is.msgs {
				if id := msgIDs[mid]; id != "" {
					ids = append(ids, id)
					continue
				}
				var id string
				err := tx.System(func() error {
					var err error
					id, err = tx.Create("msg", tracker.Values{"author": is.creator, "content": "Fixture message " + mid,
						"messageid": mid, "date": svc.Now(), "recipients": []string{}})
					return err
				})
				if err != nil {
					return err
				}
				msgIDs[mid] = id
				ids = append(ids, id)
			}
			raw := map[string]string{"title": is.title}
			for k, v := range is.raw {
				raw[k] = v
			}
			vals, err := tx.ParseValues("issue", "", raw)
			if err != nil {
				return err
			}
			vals["messages"] = ids
			return tx.System(func() error { _, err := tx.Create("issue", vals); return err })
		})
		if err != nil {
			return "", fmt.Errorf("issue %q: %w", is.title, err)
		}
	}
	err = svc.Update(ctx, tracker.AdminID, func(tx *tracker.Tx) error { return tx.Retire("issue", "3") })
	if err != nil {
		return "", err
	}
	// The fixture's own notifications are not part of any case.
	os.Remove(filepath.Join(dir, "mail.mbox"))
	if _, err := h.Store.DB().ExecContext(ctx, "DELETE FROM __outbox"); err != nil {
		return "", fmt.Errorf("emptying the fixture's outbox: %w", err)
	}
	return dir, nil
}

// copyHome copies the fixture home to a fresh directory.
func copyHome(t testing.TB) string {
	t.Helper()
	src := fixture(t)
	dst := filepath.Join(t.TempDir(), "home")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// setIni sets section.option in an ini file (replacing or adding it).
func setIni(t testing.TB, path, section, option, value string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	cur, sectionAt, done := "", -1, false
	for i, l := range lines {
		tl := strings.TrimSpace(l)
		if strings.HasPrefix(tl, "[") && strings.HasSuffix(tl, "]") {
			cur = tl[1 : len(tl)-1]
			if cur == section {
				sectionAt = i
			}
			continue
		}
		if cur == section {
			if k, _, ok := strings.Cut(tl, "="); ok && strings.TrimSpace(k) == option && !strings.HasPrefix(tl, "#") {
				lines[i] = option + " = " + value
				done = true
			}
		}
	}
	switch {
	case done:
	case sectionAt >= 0:
		lines = append(lines[:sectionAt+1], append([]string{option + " = " + value}, lines[sectionAt+1:]...)...)
	default:
		lines = append(lines, "["+section+"]", option+" = "+value)
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
}

// binary builds corral-mailgw once.
func binary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		binPath = filepath.Join(workDir, "corral-mailgw")
		if runtime.GOOS == "windows" {
			binPath += ".exe"
		}
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}
