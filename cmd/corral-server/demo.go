package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/corral-tracker/corral/cmd/internal/trackerhome"
	"github.com/corral-tracker/corral/tracker"
)

// Demo defaults (DESIGN.md §2.1): 127.0.0.1:8917 unless -n/-p.
const (
	demoHost = "127.0.0.1"
	demoPort = "8917"
)

// passwordsFile holds, in the demo directory, the passwords printed when
// the demo was created, so that a second run prints them again. It is
// readable by its owner only; a password changed on the web afterwards
// is not updated there.
const passwordsFile = "demo-passwords.txt"

// demoUser is one of the demo's accounts.
type demoUser struct {
	name, roles, label string
}

// demoUsers are the accounts --demo creates besides admin (DESIGN.md
// §2.1: alice User, bob Developer, carol Coordinator).
var demoUsers = []demoUser{
	{"alice", "User", "User"},
	{"bob", "User,Developer", "Developer"},
	{"carol", "User,Coordinator", "Coordinator"},
}

// demo is a prepared demo tracker.
type demo struct {
	dir, name string
	// lines are the "admin password: ..." lines to print.
	lines []string
	// created is true when this run made the tracker.
	created bool
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// prepareDemo makes sure dir holds the demo tracker: when it has no
// config.ini, a python-dev tracker on SQLite is made in a sibling
// directory — outgoing mail to DIR/mail.mbox, registration confirmed by
// mail, random passwords for admin, alice, bob and carol, a few example
// issues — and renamed to dir once complete, so that an interrupted
// creation never leaves a half-made demo. webURL is the address the demo
// will be served at.
func prepareDemo(ctx context.Context, dir, webURL string, log *slog.Logger) (*demo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	d := &demo{dir: abs, name: demoName(abs)}
	if _, err := os.Stat(filepath.Join(abs, "config.ini")); err == nil {
		d.lines, err = readPasswords(abs)
		return d, err
	}
	if entries, err := os.ReadDir(abs); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%s exists, is not empty and holds no tracker (no config.ini): give --demo another directory", dir)
	}
	log.Info("creating the demo tracker", "dir", abs)
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".creating-")
	if err != nil {
		return nil, fmt.Errorf("creating the demo tracker: %w", err)
	}
	defer os.RemoveAll(tmp)
	settings := map[string]string{
		"tracker_web":          webURL,
		"mail_debug":           "mail.mbox",
		"instant_registration": "no",
		"rdbms_name":           "corral_" + strings.ReplaceAll(d.name, "-", "_"),
	}
	if err := trackerhome.Install(tmp, "python-dev", "sqlite", settings); err != nil {
		return nil, fmt.Errorf("installing the demo tracker: %w", err)
	}
	if err := demoWithoutIRC(tmp); err != nil {
		return nil, err
	}
	pw := map[string]string{"admin": newPassword()}
	for _, u := range demoUsers {
		pw[u.name] = newPassword()
	}
	// Initialise's log (one line per created class) is not news here.
	h, err := trackerhome.Initialise(ctx, tmp, pw["admin"], false, trackerhome.Options{})
	if err != nil {
		return nil, fmt.Errorf("initialising the demo tracker: %w", err)
	}
	err = populate(ctx, h.Service, pw)
	if cerr := h.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("filling the demo tracker: %w", err)
	}
	d.lines = []string{"admin password: " + pw["admin"]}
	for _, u := range demoUsers {
		d.lines = append(d.lines, fmt.Sprintf("%s (%s) password: %s", u.name, u.label, pw[u.name]))
	}
	text := "# corral-server --demo: the passwords set when this demo tracker was created.\n" + strings.Join(d.lines, "\n") + "\n"
	if err := os.WriteFile(filepath.Join(tmp, passwordsFile), []byte(text), 0o600); err != nil {
		return nil, err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, err
	}
	if err := os.Remove(abs); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err := os.Rename(tmp, abs); err != nil {
		return nil, fmt.Errorf("creating the demo tracker: %w", err)
	}
	d.created = true
	return d, nil
}

// demoWithoutIRC empties python-dev's [irker] channels in the demo's
// detectors/config.ini: the demo runs no irkerd, and the announcer would
// otherwise retry every new message's announcement with a warning.
// Setting channels (and running irkerd) turns announcements on.
func demoWithoutIRC(home string) error {
	p := filepath.Join(home, "detectors", "config.ini")
	b, err := os.ReadFile(p)
	if err != nil {
		return fmt.Errorf("the demo's detectors config: %w", err)
	}
	const on = "channels = irc://localhost/python-dev\n"
	if !strings.Contains(string(b), on) {
		return fmt.Errorf("%s: no [irker] channels line to turn off", p)
	}
	off := "# The demo runs no irkerd: announcements are off. To announce new\n" +
		"# messages, run irkerd and set: channels = irc://localhost/python-dev\n" +
		"channels =\n"
	return os.WriteFile(p, []byte(strings.Replace(string(b), on, off, 1)), 0o644)
}

// demoName is the URL name of the demo: DIR's base name when it makes a
// clean path segment ("demo" for the default ./demo), else "demo".
func demoName(abs string) string {
	if b := filepath.Base(abs); nameRE.MatchString(b) && checkName(b) == nil {
		return b
	}
	return "demo"
}

// readPasswords reads the passwords file of an existing demo.
func readPasswords(dir string) ([]string, error) {
	f, err := os.Open(filepath.Join(dir, passwordsFile))
	if errors.Is(err, os.ErrNotExist) {
		return []string{"passwords: not known (" + dir + " was not made by --demo, or " + passwordsFile + " was removed)"}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	return lines, sc.Err()
}

// newPassword returns 12 random characters from an alphabet without
// look-alikes (no 0/O, 1/l/I).
func newPassword() string {
	const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 12)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// populate creates the demo users (with passwords pw) and example issues.
func populate(ctx context.Context, svc *tracker.Service, pw map[string]string) error {
	rounds := svc.Options().PasswordRounds
	ids := map[string]string{}
	err := svc.Update(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		for _, u := range demoUsers {
			hash, err := tracker.HashPassword(pw[u.name], rounds)
			if err != nil {
				return err
			}
			id, err := tx.Create("user", tracker.Values{
				"username": u.name, "password": hash, "roles": u.roles,
				"address": u.name + "@example.com", "realname": strings.ToUpper(u.name[:1]) + u.name[1:] + " Example",
			})
			if err != nil {
				return fmt.Errorf("creating user %s: %w", u.name, err)
			}
			ids[u.name] = id
		}
		return nil
	})
	if err != nil {
		return err
	}
	return exampleIssues(ctx, svc, ids)
}
