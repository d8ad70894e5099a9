package scaleout

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/schemafile"
	"github.com/corral-tracker/corral/tracker/store/postgres"
)

// The load: issues and follow-ups by web and by mail. Every change adds
// exactly one message, so "each change, per recipient" and "each
// message, per recipient" are the same count.
// CORRAL_SCALEOUT_LOAD=N multiplies the volume (stress runs).
var (
	webNew    = 24 * loadFactor()
	webReply  = 36 * loadFactor()
	mailNew   = 16 * loadFactor()
	mailReply = 24 * loadFactor()
)

const (
	clients  = 10 // concurrent web/mail clients
	nServers = 3
	password = "secret"
)

func loadFactor() int {
	if n, err := strconv.Atoi(os.Getenv("CORRAL_SCALEOUT_LOAD")); err == nil && n > 0 {
		return n
	}
	return 1
}

// user is one account of the test tracker. gus has no address: he gets
// no mail and cannot write any, but may be on nosy lists.
type user struct{ name, addr, roles string }

var users = []user{
	{"alice", "alice@example.com", "User"},
	{"bob", "bob@example.com", "User"},
	{"carol", "carol@example.com", "User"},
	{"dan", "dan@example.com", "User"},
	{"erin", "erin@example.com", "User,Developer"},
	{"frank", "frank@example.com", "User,Developer"},
	{"gus", "", "User"},
}

// componentNosy are the add_as_nosy users of the "Tests" component: the
// autonosy detector puts them on every issue of this test.
var componentNosy = []string{"erin", "frank"}

func addrOf(name string) string {
	for _, u := range users {
		if u.name == name {
			return u.addr
		}
	}
	return ""
}

// What happens to the second server in the middle of the load.
type mode int

const (
	allUp      mode = iota
	killed          // SIGKILL
	terminated      // SIGTERM: a rolling restart
)

// TestExactlyOnce runs three servers and two mail gateways on one
// PostgreSQL database under concurrent load and checks that every nosy
// notification reached each of its recipients exactly once.
func TestExactlyOnce(t *testing.T) { runScaleOut(t, allUp) }

// TestServerKilled is the same with one server killed (SIGKILL) in the
// middle of the load: nothing is lost; a recipient may get a message
// twice only when the dead server had claimed its event (DESIGN.md: a
// crash may repeat a mail, never loses one). The outbox lease (5 min)
// of the dead server's claims is expired by the test instead of waited
// for.
func TestServerKilled(t *testing.T) { runScaleOut(t, killed) }

// TestServerStopped stops one server with SIGTERM in the middle of the
// load, as a rolling restart does: it must exit cleanly within the
// drain time, hand back (or finish) every event it had claimed, and
// every notification still goes out exactly once.
func TestServerStopped(t *testing.T) { runScaleOut(t, terminated) }

func runScaleOut(t *testing.T, md mode) {
	settings, dsn := pgDatabase(t)
	start := time.Now()
	server, mailgw := binary(t, "corral-server"), binary(t, "corral-mailgw")
	t.Logf("binaries ready in %v", time.Since(start).Round(time.Millisecond))
	start = time.Now()
	sk := startSink(t, 5*time.Millisecond)
	home := installHome(t, settings, sk.addr)
	ctx := context.Background()
	svc := openService(t, dsn, home)
	db, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)
	t.Logf("tracker installed on PostgreSQL in %v", time.Since(start).Round(time.Millisecond))
	if n := sk.count(); n != 0 {
		t.Errorf("%d mails before any load (from corral-admin)", n)
	}

	// Five processes, every one with its notification worker.
	start = time.Now()
	var procs []*proc
	for i := range nServers {
		procs = append(procs, startProc(t, fmt.Sprintf("server%d", i+1), server, "-n", "127.0.0.1", "-p", "0", "--log-level", "debug", home))
	}
	procs = append(procs, startProc(t, "mailgw-smtp", mailgw, "--log-level", "debug", home, "smtp", "127.0.0.1:0"))
	procs = append(procs, startProc(t, "mailgw-lmtp", mailgw, "--log-level", "debug", home, "lmtp", "127.0.0.1:0"))
	var servers []string
	for _, p := range procs[:nServers] {
		servers = append(servers, "http://"+p.waitLog(t, serverAddrRE)+"/")
	}
	gateways := []gateway{{procs[3].waitLog(t, gatewayAddrRE), false}, {procs[4].waitLog(t, gatewayAddrRE), true}}
	t.Logf("5 processes up in %v: servers %v, gateways %v", time.Since(start).Round(time.Millisecond), servers, gateways)

	// The load.
	start = time.Now()
	l := &load{t: t, svc: svc, servers: servers, gateways: gateways, clients: map[string]*http.Client{}, cc: map[string]string{},
		alive: make([]atomic.Bool, nServers), rnd: rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 10))}
	for i := range l.alive {
		l.alive[i].Store(true)
	}
	var gone *goneInfo
	if md != allUp {
		l.onProgress = func(done int) {
			if done == (webNew+webReply+mailNew+mailReply)*2/5 {
				l.alive[1].Store(false)
				gone = stopServer(t, db, procs[1], md == killed)
			}
		}
	}
	l.run()
	t.Logf("load done in %v: %d web actions and %d mails accepted (%d of them sent to both gateways; %d web conflicts retried, %d mails deferred and retried, %d failed)",
		time.Since(start).Round(time.Millisecond), l.webOK.Load(), l.mailOK.Load(), l.twice.Load(), l.conflicts.Load(), l.deferred.Load(), l.failed.Load())
	if md != allUp && gone == nil {
		t.Fatal("the server was not stopped")
	}

	// Let the workers drain the outbox.
	start = time.Now()
	waitDrained(t, db, sk)
	t.Logf("outbox drained %v after the load; %d mails at the sink", time.Since(start).Round(time.Millisecond), sk.count())

	n := check(t, svc, sk.deliveries(), gone, l)
	delivered := map[string]int{}
	for _, p := range procs {
		delivered[p.name] = strings.Count(p.log.String(), `msg="event delivered"`)
	}
	t.Logf("%d messages checked; events delivered per process: %v", n, delivered)
	busy := 0
	for _, c := range delivered {
		if c > 0 {
			busy++
		}
	}
	if busy < 2 {
		t.Errorf("only %d process(es) delivered events: %v", busy, delivered)
	}

	// Shut down: SIGTERM, clean exits, clean logs, nothing left behind.
	before := sk.count()
	start = time.Now()
	var stopping sync.WaitGroup
	for _, p := range procs {
		if !p.stopped {
			stopping.Go(func() { p.stop(t) })
		}
	}
	stopping.Wait()
	t.Logf("processes stopped in %v", time.Since(start).Round(time.Millisecond))
	for _, p := range procs {
		if !p.killed {
			checkLog(t, p)
		}
	}
	if after := sk.count(); after != before {
		t.Errorf("%d mails sent while shutting down", after-before)
	}
	var left int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM __outbox`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("%d outbox rows left after shutdown", left)
	}
}

var (
	serverAddrRE  = regexp.MustCompile(`msg="corral-server listening" addr=(\S+)`)
	gatewayAddrRE = regexp.MustCompile(`msg=listening .*?addr=(\S+)`)
)

type gateway struct {
	addr string
	lmtp bool
}

// installHome installs and initialises a python-dev tracker on
// PostgreSQL with corral-admin, mailing by SMTP to sinkAddr, and creates
// the users and the "Tests" component's auto-nosy list.
func installHome(t *testing.T, settings []string, sinkAddr string) string {
	t.Helper()
	host, port, _ := net.SplitHostPort(sinkAddr)
	home := filepath.Join(t.TempDir(), "scaleout")
	settings = append(settings, "mail_host="+host, "mail_port="+port, "password_pbkdf2_default_rounds=1000",
		"tracker_web=http://127.0.0.1/scaleout/")
	runAdmin(t, "", "-i", home, "install", "python-dev", "postgresql", strings.Join(settings, ","))
	// No IRC announcements: nothing listens for them here.
	det := filepath.Join(home, "detectors", "config.ini")
	b, err := os.ReadFile(det)
	if err != nil {
		t.Fatal(err)
	}
	b = regexp.MustCompile(`(?m)^(enabled = .*), irker$`).ReplaceAll(b, []byte("$1"))
	if regexp.MustCompile(`(?m)^enabled = .*\birker\b`).Match(b) {
		t.Fatal("could not take irker out of detectors/config.ini [detectors] enabled")
	}
	if err := os.WriteFile(det, b, 0o644); err != nil {
		t.Fatal(err)
	}
	runAdmin(t, "", "-i", home, "initialise", "admin-secret")
	var script strings.Builder
	for _, u := range users {
		fmt.Fprintf(&script, "create user username=%s password=%s roles=%s", u.name, password, u.roles)
		if u.addr != "" {
			fmt.Fprintf(&script, " address=%s", u.addr)
		}
		script.WriteString("\n")
	}
	script.WriteString("commit\n")
	runAdmin(t, script.String(), "-i", home)
	m := regexp.MustCompile(`(?m)^\s*(\d+): Tests$`).FindStringSubmatch(runAdmin(t, "", "-i", home, "list", "component"))
	if m == nil {
		t.Fatal(`no component "Tests"`)
	}
	runAdmin(t, "", "-i", home, "set", "component"+m[1], "add_as_nosy="+strings.Join(componentNosy, ","))
	return home
}

// openService opens the tracker's database in the test process, for
// reading what the processes did.
func openService(t *testing.T, dsn, home string) *tracker.Service {
	t.Helper()
	ctx := context.Background()
	store, err := postgres.Open(ctx, dsn, postgres.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	schema, err := schemafile.Load(filepath.Join(home, "schema.py"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Sync(ctx, schema); err != nil {
		t.Fatal(err)
	}
	return tracker.New(schema, store, tracker.Options{}, nil)
}

// issueRef is an issue the load created, with the nosy list it must
// have: its author, the user named in the form or Cc'd, and the
// component's auto-nosy users. Replies come from these users only, so
// the list does not change after creation.
type issueRef struct {
	id, title string
	nosy      []string
}

type job struct {
	kind string // webNew, webReply, mailNew, mailReply
	n    int
}

// load generates the concurrent web and mail traffic.
type load struct {
	t          *testing.T
	svc        *tracker.Service
	servers    []string
	gateways   []gateway
	alive      []atomic.Bool
	onProgress func(done int)

	mu      sync.Mutex
	rnd     *rand.Rand
	issues  []issueRef
	clients map[string]*http.Client // server + " " + user
	cc      map[string]string       // Message-Id of a mail -> its Cc address
	next    int                     // round-robin server
	done    int

	webOK, mailOK, twice, conflicts, deferred, failed atomic.Int64
}

func (l *load) run() {
	var jobs []job
	for i := range webNew {
		jobs = append(jobs, job{"webNew", i})
	}
	for i := range mailNew {
		jobs = append(jobs, job{"mailNew", i})
	}
	for i := range webReply {
		jobs = append(jobs, job{"webReply", i})
	}
	for i := range mailReply {
		jobs = append(jobs, job{"mailReply", i})
	}
	// A few new issues first, then everything mixed.
	head := []job{jobs[0], jobs[1], jobs[2], jobs[webNew], jobs[webNew+1]}
	rest := append(append([]job(nil), jobs[3:webNew]...), jobs[webNew+2:]...)
	l.rnd.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	ch := make(chan job)
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				if err := l.do(j); err != nil {
					l.failed.Add(1)
					if l.allAlive() {
						l.t.Errorf("%s %d: %v", j.kind, j.n, err)
					} else {
						l.t.Logf("%s %d (a server was stopped): %v", j.kind, j.n, err)
					}
				}
				l.mu.Lock()
				l.done++
				d := l.done
				l.mu.Unlock()
				if l.onProgress != nil {
					l.onProgress(d)
				}
			}
		}()
	}
	for _, j := range append(head, rest...) {
		ch <- j
	}
	close(ch)
	wg.Wait()
}

func (l *load) allAlive() bool {
	for i := range l.alive {
		if !l.alive[i].Load() {
			return false
		}
	}
	return true
}

func (l *load) do(j job) error {
	switch j.kind {
	case "webNew":
		author, other := l.pickTwo(false)
		title := fmt.Sprintf("Web issue W%d by %s", j.n, author)
		form := url.Values{"@action": {"new"}, "title": {title}, "components": {"Tests"}, "nosy": {other},
			"@note": {fmt.Sprintf("Web issue W%d opened by %s; %s should hear of it.", j.n, author, other)}}
		id, err := l.web(author, "issue", form)
		if err != nil {
			return err
		}
		l.add(issueRef{id, title, nosyOf(author, other)})
	case "webReply":
		is := l.pickIssue()
		author := l.pickFrom(is.nosy, false)
		form := url.Values{"@action": {"edit"}, "@note": {fmt.Sprintf("Web follow-up R%d to issue%s by %s.", j.n, is.id, author)}}
		if _, err := l.web(author, "issue"+is.id, form); err != nil {
			return err
		}
	case "mailNew":
		author, other := l.pickTwo(true)
		title := fmt.Sprintf("Mail issue M%d by %s", j.n, author)
		hdr := fmt.Sprintf("From: %s <%s>\r\nTo: Tracker <issue_tracker@localhost>\r\n", author, addrOf(author))
		nosy := nosyOf(author)
		mid := fmt.Sprintf("<new-%d-%d@scaleout.example>", j.n, time.Now().UnixNano())
		if addrOf(other) != "" {
			// The Cc'd user is put on the nosy list (python-dev:
			// add_recipients = new) and, having had the mail, on the
			// message's recipients: Roundup sends them no copy.
			hdr += fmt.Sprintf("Cc: %s <%s>\r\n", other, addrOf(other))
			nosy = nosyOf(author, other)
			l.mu.Lock()
			l.cc[mid] = addrOf(other)
			l.mu.Unlock()
		}
		raw := fmt.Sprintf("%sSubject: %s [components=Tests]\r\nMessage-ID: %s\r\n\r\nMail issue M%d opened by %s.\r\n",
			hdr, title, mid, j.n, author)
		if err := l.mail(j.n, addrOf(author), raw); err != nil {
			return err
		}
		id, err := l.lookupIssue(title)
		if err != nil {
			return err
		}
		l.add(issueRef{id, title, nosy})
	case "mailReply":
		is := l.pickIssue()
		author := l.pickFrom(is.nosy, true)
		raw := fmt.Sprintf("From: %s <%s>\r\nTo: Tracker <issue_tracker@localhost>\r\nSubject: Re: [issue%s] %s\r\nMessage-ID: <reply-%d-%d@scaleout.example>\r\n\r\nMail follow-up R%d to issue%s by %s.\r\n",
			author, addrOf(author), is.id, is.title, j.n, time.Now().UnixNano(), j.n, is.id, author)
		return l.mail(j.n, addrOf(author), raw)
	}
	return nil
}

func nosyOf(names ...string) []string {
	set := map[string]bool{}
	for _, n := range append(names, componentNosy...) {
		set[n] = true
	}
	var out []string
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// pickTwo returns an author (with an address when byMail) and another
// user.
func (l *load) pickTwo(byMail bool) (string, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		a, b := users[l.rnd.IntN(len(users))], users[l.rnd.IntN(len(users))]
		if a.name != b.name && (!byMail || a.addr != "") {
			return a.name, b.name
		}
	}
}

func (l *load) pickFrom(names []string, byMail bool) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		n := names[l.rnd.IntN(len(names))]
		if !byMail || addrOf(n) != "" {
			return n
		}
	}
}

func (l *load) add(is issueRef) {
	l.mu.Lock()
	l.issues = append(l.issues, is)
	l.mu.Unlock()
}

// pickIssue returns one of the issues created so far (waiting for the
// first).
func (l *load) pickIssue() issueRef {
	for {
		l.mu.Lock()
		if n := len(l.issues); n > 0 {
			is := l.issues[l.rnd.IntN(n)]
			l.mu.Unlock()
			return is
		}
		l.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
}

// web posts a form as user to the next live server (round robin),
// logging in there first if needed; a 409 (a concurrent edit) is tried
// again, as a user would.
func (l *load) web(user, path string, form url.Values) (string, error) {
	l.mu.Lock()
	var base string
	for {
		i := l.next % len(l.servers)
		l.next++
		if l.alive[i].Load() {
			base = l.servers[i]
			break
		}
	}
	l.mu.Unlock()
	c, err := l.client(base, user)
	if err != nil {
		return "", err
	}
	for attempt := 1; ; attempt++ {
		id, status, err := webPost(c, base+path, form)
		if status == http.StatusConflict && attempt < 10 {
			l.conflicts.Add(1)
			time.Sleep(time.Duration(attempt) * 50 * time.Millisecond)
			continue
		}
		if err == nil {
			l.webOK.Add(1)
		}
		return id, err
	}
}

func (l *load) client(base, user string) (*http.Client, error) {
	key := base + " " + user
	l.mu.Lock()
	c := l.clients[key]
	l.mu.Unlock()
	if c != nil {
		return c, nil
	}
	c, err := webLogin(base, user, password)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	if old := l.clients[key]; old != nil {
		c = old
	} else {
		l.clients[key] = c
	}
	l.mu.Unlock()
	return c, nil
}

// mail hands a message to gateway n%2. Every fourth message goes to
// both gateways at once, as when an MTA whose connection broke before
// the 250 tries again through the other MX: the tracker must take it
// once (it remembers Message-Ids) and mail its notifications once.
func (l *load) mail(n int, from, raw string) error {
	if n%4 != 3 {
		if err := l.mailTo(l.gateways[n%len(l.gateways)], from, raw); err != nil {
			return err
		}
		l.mailOK.Add(1)
		return nil
	}
	errs := make([]error, len(l.gateways))
	var wg sync.WaitGroup
	for i, gw := range l.gateways {
		wg.Go(func() { errs[i] = l.mailTo(gw, from, raw) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	l.mailOK.Add(1)
	l.twice.Add(1)
	return nil
}

// mailTo sends to one gateway, trying again while it answers 4xx.
func (l *load) mailTo(gw gateway, from, raw string) error {
	for attempt := 1; ; attempt++ {
		err := sendMail(gw.addr, gw.lmtp, from, "issue_tracker@localhost", []byte(raw))
		if err == nil {
			return nil
		}
		if !temporary(err) || attempt == 40 {
			return fmt.Errorf("mail to %s (lmtp %v): %w", gw.addr, gw.lmtp, err)
		}
		l.deferred.Add(1)
		time.Sleep(250 * time.Millisecond)
	}
}

// lookupIssue finds the issue a mail created by its title.
func (l *load) lookupIssue(title string) (string, error) {
	var ids []string
	err := l.svc.Read(context.Background(), tracker.AdminID, func(tx *tracker.Tx) error {
		var err error
		ids, _, err = tx.Filter("issue", &tracker.Filter{Exact: map[string][]string{"title": {title}}})
		return err
	})
	if err != nil {
		return "", err
	}
	if len(ids) != 1 {
		return "", fmt.Errorf("issues titled %q: %v, want one", title, ids)
	}
	return ids[0], nil
}

// goneInfo is what a server stopped mid-load left in the outbox: the
// messages of the events it still had claimed, which may be mailed
// twice when it was killed.
type goneInfo struct {
	killed  bool
	claimed map[string]bool // msg ids
	events  int
}

// stopServer kills p with SIGKILL (kill) or stops it with SIGTERM, then
// expires the leases of the events it still had claimed, as if their 5
// minute lease had run out. A server stopped with SIGTERM must leave no
// claims behind.
func stopServer(t *testing.T, db *pgx.Conn, p *proc, kill bool) *goneInfo {
	ctx := context.Background()
	worker := fmt.Sprintf("%%:%d/%%", p.cmd.Process.Pid)
	// Strike while its worker is delivering, if it gets to within 3 s.
	busy := false
	for deadline := time.Now().Add(3 * time.Second); !busy && time.Now().Before(deadline); {
		if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM __outbox WHERE state = 'claimed' AND worker LIKE $1)`, worker).Scan(&busy); err != nil {
			t.Errorf("watching the server's claims: %v", err)
			break
		}
	}
	if kill {
		p.kill()
	} else {
		p.stop(t)
	}
	rows, err := db.Query(ctx, `SELECT id, payload FROM __outbox WHERE state = 'claimed' AND worker LIKE $1`, worker)
	if err != nil {
		t.Errorf("reading the stopped server's claims: %v", err)
		return &goneInfo{killed: kill}
	}
	g := &goneInfo{killed: kill, claimed: map[string]bool{}}
	var ids []int64
	for rows.Next() {
		var id int64
		var pl []byte
		if err := rows.Scan(&id, &pl); err != nil {
			t.Errorf("reading the stopped server's claims: %v", err)
			break
		}
		ids = append(ids, id)
		var ev tracker.ChangeEvent
		if err := json.Unmarshal(pl, &ev); err != nil {
			t.Errorf("claimed event payload %.200q: %v", pl, err)
		}
		for _, m := range ev.Messages {
			g.claimed[m] = true
		}
	}
	rows.Close()
	g.events = len(ids)
	if _, err := db.Exec(ctx, `UPDATE __outbox SET lease_until = 0 WHERE state = 'claimed' AND worker LIKE $1`, worker); err != nil {
		t.Errorf("expiring the stopped server's leases: %v", err)
	}
	how := "stopped (SIGTERM)"
	if kill {
		how = "killed (SIGKILL)"
	} else if len(ids) > 0 {
		t.Errorf("%s exited after SIGTERM still holding %d claimed outbox events %v (msgs %v): they wait for their 5 minute lease, and any it had mailed go out again",
			p.name, len(ids), ids, sortedKeys(g.claimed))
	}
	t.Logf("%s %s (pid %d) while it was delivering: %v; it left %d claimed events", how, p.name, p.cmd.Process.Pid, busy, g.events)
	return g
}

// waitDrained waits until no outbox event is pending or claimed and the
// sink has had nothing new for a second.
func waitDrained(t *testing.T, db *pgx.Conn, sk *sink) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(90 * time.Second)
	last, stable := -1, time.Now()
	for {
		var open, failed int
		err := db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE state IN ('pending', 'claimed')), count(*) FILTER (WHERE state = 'failed') FROM __outbox`).Scan(&open, &failed)
		if err != nil {
			t.Fatal(err)
		}
		if failed > 0 {
			rows, _ := db.Query(ctx, `SELECT id, kind, okey, last_error FROM __outbox WHERE state = 'failed'`)
			for rows.Next() {
				var id int64
				var kind, key string
				var lastErr *string
				rows.Scan(&id, &kind, &key, &lastErr)
				t.Errorf("outbox event %d (%s %s) failed: %v", id, kind, key, deref(lastErr))
			}
			rows.Close()
			t.FailNow()
		}
		n := sk.count()
		if n != last {
			last, stable = n, time.Now()
		}
		if open == 0 && time.Since(stable) > time.Second {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox not drained: %d events pending or claimed, %d mails at the sink", open, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// check compares the mails at the sink with the messages in the
// database: each message goes to the addresses of its issue's nosy list
// (python-dev: messages_to_author = yes, so the author too) exactly once
// — at least once when a server was killed, twice only for messages of
// the events it had claimed — and nothing else is mailed. It returns how
// many messages it checked.
func check(t *testing.T, svc *tracker.Service, got []delivery, gone *goneInfo, l *load) int {
	t.Helper()
	type msgInfo struct {
		id, issue, author, messageID string
		recipients                   []string // user ids
	}
	var msgs []msgInfo
	issueOf := map[string]string{}
	nosy := map[string][]string{} // issue id -> user ids
	addr := map[string]string{}   // user id -> address
	name := map[string]string{}   // user id -> username
	titles := map[string]string{} // issue id -> title
	err := svc.Read(context.Background(), tracker.AdminID, func(tx *tracker.Tx) error {
		uids, _, err := tx.Filter("user", &tracker.Filter{})
		if err != nil {
			return err
		}
		for _, id := range uids {
			u, err := tx.Get("user", id)
			if err != nil {
				return err
			}
			addr[id], name[id] = strings.ToLower(u.Str("address")), u.Str("username")
		}
		iids, _, err := tx.Filter("issue", &tracker.Filter{})
		if err != nil {
			return err
		}
		for _, id := range iids {
			is, err := tx.Get("issue", id)
			if err != nil {
				return err
			}
			nosy[id], titles[id] = is.IDs("nosy"), is.Str("title")
			for _, m := range is.IDs("messages") {
				if other, dup := issueOf[m]; dup {
					t.Errorf("msg%s is on issue%s and issue%s", m, other, id)
				}
				issueOf[m] = id
			}
		}
		mids, _, err := tx.Filter("msg", &tracker.Filter{})
		if err != nil {
			return err
		}
		for _, id := range mids {
			m, err := tx.Get("msg", id)
			if err != nil {
				return err
			}
			msgs = append(msgs, msgInfo{id: id, issue: issueOf[id], author: m.Str("author"), messageID: m.Str("messageid"), recipients: m.IDs("recipients")})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// The issues' nosy lists are the ones the load meant.
	for _, is := range l.issues {
		var have []string
		for _, uid := range nosy[is.id] {
			have = append(have, name[uid])
		}
		sort.Strings(have)
		if strings.Join(have, ",") != strings.Join(is.nosy, ",") {
			t.Errorf("issue%s (%s): nosy %v, want %v", is.id, is.title, have, is.nosy)
		}
	}
	if gone == nil || !gone.killed { // a killed server may have committed without answering
		if want := int(l.webOK.Load() + l.mailOK.Load()); len(msgs) != want {
			t.Errorf("%d messages in the database, %d web actions and mails accepted", len(msgs), want)
		}
	}

	// What arrived: count per (recipient, Message-Id).
	count := map[[2]string]int{}
	subjects := map[string]string{}
	for _, d := range got {
		m, err := mail.ReadMessage(bytes.NewReader(d.data))
		if err != nil {
			t.Errorf("unparsable mail to %v: %v", d.to, err)
			continue
		}
		mid := m.Header.Get("Message-Id")
		subjects[mid] = m.Header.Get("Subject")
		if len(d.to) != 1 {
			t.Errorf("mail %s went to %d recipients %v ([nosy] email_sending = multiple sends one per recipient)", mid, len(d.to), d.to)
		}
		for _, rc := range d.to {
			count[[2]string{strings.ToLower(rc), mid}]++
		}
	}

	seen := map[[2]string]bool{}
	var dups, missing, repeated int
	for _, m := range msgs {
		if m.issue == "" {
			t.Errorf("msg%s belongs to no issue", m.id)
			continue
		}
		if m.messageID == "" {
			t.Errorf("msg%s (issue%s) has no Message-Id: never mailed", m.id, m.issue)
			continue
		}
		want := map[string]bool{}
		for _, uid := range append([]string{m.author}, nosy[m.issue]...) {
			if a := addr[uid]; a != "" {
				want[a] = true
			}
		}
		var rec []string
		for _, uid := range m.recipients {
			rec = append(rec, addr[uid])
		}
		sort.Strings(rec)
		if w := sortedKeys(want); strings.Join(rec, ",") != strings.Join(w, ",") {
			t.Errorf("msg%s (issue%s): recipients property %v, want %v", m.id, m.issue, rec, w)
		}
		for a := range want {
			key := [2]string{a, m.messageID}
			if l.cc[m.messageID] == a {
				continue // had the mail itself (Cc); must get no copy
			}
			seen[key] = true
			switch n := count[key]; {
			case n == 1:
			case n == 0:
				missing++
				t.Errorf("msg%s (issue%s, %q by %s): no mail to %s", m.id, m.issue, titles[m.issue], name[m.author], a)
			case gone != nil && gone.killed && gone.claimed[m.id]:
				repeated++
				t.Logf("msg%s (issue%s): %d mails to %s; its event was claimed by the killed server", m.id, m.issue, n, a)
			default:
				dups++
				t.Errorf("msg%s (issue%s, %q by %s): %d mails to %s", m.id, m.issue, titles[m.issue], name[m.author], n, a)
			}
		}
	}
	for key, n := range count {
		if !seen[key] {
			t.Errorf("%d unexpected mail(s) to %s, Message-Id %s, subject %q", n, key[0], key[1], subjects[key[1]])
		}
	}
	if gone != nil {
		t.Logf("stopped server: %d claimed events (msgs %v), %d repeated deliveries", gone.events, sortedKeys(gone.claimed), repeated)
	}
	if dups+missing > 0 {
		t.Errorf("%d duplicate and %d missing notifications among %d mails for %d messages", dups, missing, len(got), len(msgs))
	}
	return len(msgs)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var badLogRE = regexp.MustCompile(`(?i)level=error|panic|unexpected|data race|fatal error`)

// checkLog fails on errors, panics and "unexpected" in a process's log
// and reports its warnings.
func checkLog(t *testing.T, p *proc) {
	t.Helper()
	var warns int
	for _, line := range strings.Split(p.log.String(), "\n") {
		switch {
		case badLogRE.MatchString(line):
			t.Errorf("%s logged: %s", p.name, line)
		case strings.Contains(line, "level=WARN"):
			warns++
			if warns <= 5 {
				t.Logf("%s warned: %s", p.name, line)
			}
		}
	}
	if warns > 5 {
		t.Logf("%s: %d warnings in all", p.name, warns)
	}
}
