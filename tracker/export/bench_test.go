package export

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/benchdata"
	"github.com/corral-tracker/corral/tracker/schemafile"
	"github.com/corral-tracker/corral/tracker/store/sqlite"
)

var (
	benchScale = flag.Float64("export.scale", 0.05,
		"BenchmarkImport data set size relative to bugs.python.org (1 = 20,000 issues, 100,000 messages, 2,000 users, 1,000 files)")
	benchDir = flag.String("export.dir", "",
		"BenchmarkImport keeps the generated export in this directory and reuses it on later runs (default: a temporary one)")
)

// genSpec sizes a generated export.
type genSpec struct{ issues, msgs, users, files int }

func scaledSpec(scale float64) genSpec {
	n := func(x float64) int { return max(1, int(x*scale)) }
	return genSpec{issues: n(20000), msgs: n(100000), users: n(2000), files: n(1000)}
}

var benchWords = strings.Fields(`the a of to in is it that for on with as this be by not are or from
	python interpreter module function class method object error exception traceback call return value
	list dict string bytes unicode encoding decode file path import package test tests build compile
	windows linux macos thread lock memory leak crash segfault performance slow fast regression patch
	docs documentation example typo fix change behavior version release backport branch commit Ünïcödé`)

// dataset accumulates a generated tracker's items, journals and contents.
type dataset struct {
	schema   *tracker.Schema
	items    map[string][]*tracker.Item
	journal  map[string][]tracker.JournalEntry
	contents map[string][]byte // designator -> content
}

func (d *dataset) add(class, id string, at time.Time, user string, vals tracker.Values) *tracker.Item {
	it := &tracker.Item{Class: d.schema.Class(class), ID: id, Values: vals, Creation: at, Activity: at, Creator: user, Actor: user}
	d.items[class] = append(d.items[class], it)
	d.journal[class] = append(d.journal[class], tracker.JournalEntry{Class: class, ItemID: id, Date: at, User: user, Action: tracker.ActCreate})
	return it
}

func (d *dataset) link(target, id string, at time.Time, user, from, fromID, prop string) {
	d.journal[target] = append(d.journal[target], tracker.JournalEntry{Class: target, ItemID: id, Date: at, User: user, Action: tracker.ActLink,
		Params: tracker.JournalParams{LinkClass: from, LinkID: fromID, LinkProp: prop}})
}

// generate builds a python-dev tracker's worth of data shaped like
// bugs.python.org: lookup values, users, issues whose messages arrive one
// set at a time (so journals hold create, set and link entries as
// Roundup writes them), patch files.
func generate(schema *tracker.Schema, spec genSpec) *dataset {
	d := &dataset{schema: schema, items: map[string][]*tracker.Item{}, journal: map[string][]tracker.JournalEntry{}, contents: map[string][]byte{}}
	r := rand.New(rand.NewPCG(1, 2))
	at := time.Date(2008, 1, 1, 0, 0, 0, 0, time.UTC)
	tick := func() time.Time {
		at = at.Add(time.Duration(1+r.IntN(600000)) * time.Millisecond)
		return at
	}
	lookups := map[string]int{"status": 4, "priority": 5, "severity": 5, "issue_type": 6, "component": 14,
		"version": 7, "keyword": 6, "stage": 5, "resolution": 10}
	t0 := tick()
	for class, n := range lookups {
		for i := 1; i <= n; i++ {
			d.add(class, strconv.Itoa(i), t0, "1", tracker.Values{"name": fmt.Sprintf("%s %d", class, i), "order": float64(i)})
		}
	}
	pw := tracker.Password("{PBKDF2S5}1000$YWRtaW4tc2FsdC0yMC1ieXRlcyE$QnIU2MvTyT58wwhtIJd0Mzdw0whVGDYLn8QuUDLBMHM7RxZ4ChaY2uCNSLoORWnvhr7uy1SFM4ubJbjmtDou3w")
	d.add("user", "1", t0, "1", tracker.Values{"username": "admin", "roles": "Admin", "password": pw})
	d.add("user", "2", t0, "1", tracker.Values{"username": "anonymous", "roles": "Anonymous"})
	users := spec.users + 2
	for i := 3; i <= users; i++ {
		name := "user" + strconv.Itoa(i)
		d.add("user", strconv.Itoa(i), tick(), "1", tracker.Values{"username": name, "realname": "Üser " + strconv.Itoa(i),
			"address": name + "@example.org", "roles": "User", "password": pw, "contrib_form": r.IntN(10) == 0})
	}
	pick := func(n int) string { return strconv.Itoa(1 + r.IntN(n)) }
	text := func(n int) string {
		w := make([]string, n)
		for i := range w {
			w[i] = benchWords[r.IntN(len(benchWords))]
		}
		return strings.Join(w, " ")
	}
	msg, file := 0, 0
	for i := 1; i <= spec.issues; i++ {
		id := strconv.Itoa(i)
		left := spec.issues - i + 1
		nmsg := max(1, (spec.msgs-msg)/left)
		author := pick(users)
		created := tick()
		nosy := []string{author, pick(users)}
		tracker.SortIDs(nosy)
		vals := tracker.Values{"title": text(3 + r.IntN(6)), "type": pick(6), "components": []string{pick(14)},
			"versions": []string{pick(7)}, "severity": pick(5), "priority": pick(5), "status": pick(4), "nosy": nosy}
		var msgs []string
		for m := 0; m < nmsg; m++ {
			msg++
			mid := strconv.Itoa(msg)
			when := created
			if m > 0 {
				when = tick()
			}
			body := text(30 + r.IntN(120))
			d.add("msg", mid, when, author, tracker.Values{"author": author, "date": when, "type": "text/plain",
				"summary": strings.ToValidUTF8(body[:min(len(body), 60)], ""), "messageid": "<" + mid + "@example.org>", "recipients": nosy})
			d.contents["msg"+mid] = []byte(body)
			d.link("msg", mid, when, author, "issue", id, "messages")
			msgs = append(msgs, mid)
			if m > 0 {
				d.journal["issue"] = append(d.journal["issue"], tracker.JournalEntry{Class: "issue", ItemID: id, Date: when, User: author,
					Action: tracker.ActSet, Params: tracker.JournalParams{Added: map[string][]string{"messages": {mid}}}})
			}
		}
		vals["messages"] = msgs
		vals["message_count"] = float64(len(msgs))
		if file < spec.files && r.IntN(left) < spec.files-file {
			file++
			fid := strconv.Itoa(file)
			d.add("file", fid, created, author, tracker.Values{"name": "fix" + fid + ".patch", "type": "text/plain"})
			d.contents["file"+fid] = []byte("--- a/Lib/x.py\n+++ b/Lib/x.py\n@@ -1 +1 @@\n-" + text(5) + "\n+" + text(5) + "\n")
			d.link("file", fid, created, author, "issue", id, "files")
			vals["files"] = []string{fid}
		}
		it := d.add("issue", id, created, author, vals)
		it.Activity, it.Actor = at, author
		for _, l := range []struct{ class, prop string }{{"status", "status"}, {"priority", "priority"}, {"severity", "severity"},
			{"issue_type", "type"}, {"component", "components"}, {"version", "versions"}} {
			v := vals[l.prop]
			if ids, ok := v.([]string); ok {
				v = ids[0]
			}
			d.link(l.class, v.(string), created, author, "issue", id, l.prop)
		}
	}
	for class := range d.journal {
		sortJournal(d.journal[class])
	}
	return d
}

// write stores the data set as Roundup's export does, with this package's
// own writers.
func (d *dataset) write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, c := range d.schema.Classes {
		f, err := os.Create(filepath.Join(dir, c.Name+".csv"))
		if err != nil {
			return err
		}
		w := newCSVWriter(f)
		props := exportPropnames(c)
		var header []string
		for _, p := range props {
			header = append(header, p.Name)
		}
		w.write(append(header, "is retired"))
		for _, it := range d.items[c.Name] {
			var row []string
			for _, p := range props {
				row = append(row, schemafile.Repr(pyValue(p, it.Get(p.Name))))
			}
			w.write(append(row, "False"))
			if b, ok := d.contents[c.Name+it.ID]; ok {
				p := contentPath(dir, c, it.ID)
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, b, 0o644); err != nil {
					return err
				}
			}
		}
		if err := w.flush(); err != nil {
			return err
		}
		f.Close()
		f, err = os.Create(filepath.Join(dir, c.Name+"-journals.csv"))
		if err != nil {
			return err
		}
		w = newCSVWriter(f)
		for i := range d.journal[c.Name] {
			w.write(journalRow(c, &d.journal[c.Name][i], nil))
		}
		if err := w.flush(); err != nil {
			return err
		}
		f.Close()
	}
	return nil
}

// BenchmarkImport imports a generated bugs.python.org-shaped export into
// a freshly installed python-dev tracker. The size is -export.scale
// (default 0.05; 1 = 20,000 issues, 100,000 messages, 2,000 users, 1,000
// files), e.g.
//
//	go test -run X -bench Import -benchtime 1x ./tracker/export -args -export.scale=1
func BenchmarkImport(b *testing.B) {
	for _, backend := range backends() {
		b.Run(backend, func(b *testing.B) {
			spec := scaledSpec(*benchScale)
			dir := filepath.Join(b.TempDir(), "export")
			if *benchDir != "" {
				dir = filepath.Join(*benchDir, fmt.Sprintf("scale-%g", *benchScale))
			}
			marker := filepath.Join(dir, ".complete")
			if _, err := os.Stat(marker); err != nil {
				os.RemoveAll(dir)
				schema := newTracker(b, "python-dev", "sqlite", "").Schema
				gen := time.Now()
				if err := generate(schema, spec).write(dir); err != nil {
					b.Fatal(err)
				}
				os.WriteFile(marker, nil, 0o644)
				b.Logf("generated the export in %v", time.Since(gen).Round(time.Millisecond))
			}
			entries := 0
			journals, _ := filepath.Glob(filepath.Join(dir, "*-journals.csv"))
			for _, name := range journals {
				data, err := os.ReadFile(name)
				if err != nil {
					b.Fatal(err)
				}
				entries += countRows(data)
			}
			b.ResetTimer()
			for b.Loop() {
				b.StopTimer()
				svc := newTracker(b, "python-dev", backend, "")
				b.StartTimer()
				start := time.Now()
				if err := Import(context.Background(), svc, dir, Options{Files: true}); err != nil {
					b.Fatal(err)
				}
				b.Logf("%s: imported %d issues, %d messages, %d users, %d files, %d journal entries in %v",
					backend, spec.issues, spec.msgs, spec.users, spec.files, entries, time.Since(start).Round(time.Millisecond))
			}
		})
	}
}

// BenchmarkImportBPO imports the export of tracker/benchdata's data set —
// bugs.python.org's shape, loaded once through tracker.Service, so its
// journals are exactly what Corral writes — scaled by -export.scale. The
// export is kept in -export.dir (default $TMPDIR/corral-bench) and
// reused once complete:
//
//	go test -run X -bench ImportBPO -benchtime 1x ./tracker/export -args -export.scale=1
func BenchmarkImportBPO(b *testing.B) {
	ctx := context.Background()
	base := *benchDir
	if base == "" {
		base = filepath.Join(os.TempDir(), "corral-bench")
	}
	dir := filepath.Join(base, fmt.Sprintf("benchdata-export-%g", *benchScale))
	marker := filepath.Join(dir, ".complete")
	if _, err := os.Stat(marker); err != nil {
		os.RemoveAll(dir)
		store, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "db"))
		if err != nil {
			b.Fatal(err)
		}
		defer store.Close()
		clock := benchdata.NewClock(time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC), 7*time.Second)
		svc, err := benchdata.PythonDev(ctx, store, clock.Now)
		if err != nil {
			b.Fatal(err)
		}
		full := benchdata.BPO(1)
		n := func(x int) int { return max(1, int(float64(x)**benchScale)) }
		spec := benchdata.Spec{Issues: n(full.Issues), Messages: n(full.Messages), Users: n(full.Users), Files: n(full.Files), Seed: full.Seed}
		start := time.Now()
		if _, err := benchdata.Load(ctx, svc, spec, nil); err != nil {
			b.Fatal(err)
		}
		b.Logf("loaded %+v through tracker.Service in %v", spec, time.Since(start).Round(time.Second))
		start = time.Now()
		if err := Export(ctx, svc, dir, Options{Files: true}); err != nil {
			b.Fatal(err)
		}
		b.Logf("exported in %v", time.Since(start).Round(time.Millisecond))
		os.WriteFile(marker, nil, 0o644)
	}
	for _, backend := range backends() {
		b.Run(backend, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				svc := newTracker(b, "python-dev", backend, "")
				b.StartTimer()
				start := time.Now()
				if err := Import(ctx, svc, dir, Options{Files: true}); err != nil {
					b.Fatal(err)
				}
				b.Logf("%s: imported %s in %v", backend, dir, time.Since(start).Round(time.Millisecond))
			}
		})
	}
}
