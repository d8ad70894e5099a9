// Package benchdata generates Corral's bpo-scale benchmark data set
// deterministically: users, issues with bugs.python.org's lookup values,
// messages, patch files, through tracker.Service (so loading it is itself
// the bulk-load benchmark). The default scale is what bugs.python.org
// held in its last years in round numbers — 20,000 issues, 100,000
// messages, 2,000 users, 1,000 patch files — and Scale multiplies it.
//
// The generator needs the python-dev schema (templates/python-dev). One
// word, CommonWord, appears in messages of 15% of the issues, so
// full-text benchmarks search for a realistically common word.
package benchdata

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// Spec sizes a data set.
type Spec struct {
	Issues, Messages, Users, Files int
	// Seed fixes the random choices: the same Spec gives the same data.
	Seed uint64
	// Batch is the number of issues per transaction (default 200).
	Batch int
}

// BPO returns the bugs.python.org-scale spec times scale (1 = 20,000
// issues).
func BPO(scale int) Spec {
	if scale < 1 {
		scale = 1
	}
	return Spec{Issues: 20000 * scale, Messages: 100000 * scale, Users: 2000 * scale, Files: 1000 * scale, Seed: 1}
}

// Small returns a spec 1/100 of BPO (tests).
func Small() Spec { return Spec{Issues: 200, Messages: 1000, Users: 20, Files: 10, Seed: 1} }

// CommonWord occurs in messages of 15% of the issues.
const CommonWord = "tokenizer"

// RareWord occurs in about 0.5% of the issues.
const RareWord = "subinterpreter"

// Stats reports what Load created.
type Stats struct {
	Users, Issues, Messages, Files int
	Elapsed                        time.Duration
}

// MessagesPerSecond is the bulk-load rate.
func (s Stats) MessagesPerSecond() float64 { return float64(s.Messages) / s.Elapsed.Seconds() }

var words = strings.Fields(`the a of to in is it that for on with as this be by not are or from an at
	python interpreter module function class method object error exception traceback call return value
	list dict string bytes unicode encoding decode file path import package test tests build compile
	windows linux macos thread lock memory leak crash segfault performance slow fast regression patch
	docs documentation example typo fix change behavior behaviour version release backport branch commit
	argument keyword parameter default option flag configure make install pip socket ssl http url email
	parser ast grammar syntax token line column offset buffer stream io read write close open seek
	datetime time zone locale format print repr hash set tuple generator iterator async await loop
	event queue signal process subprocess pipe os sys shutil pathlib glob json pickle csv xml sqlite`)

var components = []string{"Library (Lib)", "Interpreter Core", "Documentation", "Tests", "Build", "Windows",
	"Extension Modules", "IDLE", "Unicode", "Tkinter", "ctypes", "XML", "Regular Expressions", "Installation"}

var versions = []string{"Python 2.7", "Python 3.6", "Python 3.7", "Python 3.8", "Python 3.9", "Python 3.10", "Python 3.11"}

type gen struct {
	r *rand.Rand
}

func (g *gen) pick(l []string) string { return l[g.r.IntN(len(l))] }

func (g *gen) sentence(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = g.pick(words)
	}
	return strings.Join(w, " ")
}

func (g *gen) text(nwords int, extra ...string) string {
	var b strings.Builder
	for b.Len() == 0 || nwords > 0 {
		n := min(nwords, 8+g.r.IntN(12))
		if n <= 0 {
			break
		}
		s := g.sentence(n)
		b.WriteString(strings.ToUpper(s[:1]) + s[1:] + ".")
		nwords -= n
		if g.r.IntN(4) == 0 {
			b.WriteString("\n\n")
		} else {
			b.WriteString(" ")
		}
	}
	for _, e := range extra {
		b.WriteString(" The " + e + " is involved here.")
	}
	return b.String()
}

// Load creates the data set. The tracker must be freshly initialised
// from the python-dev template (lookup values and users admin and
// anonymous exist). progress, when not nil, is called after each batch.
func Load(ctx context.Context, svc *tracker.Service, spec Spec, progress func(done, total int)) (Stats, error) {
	start := time.Now()
	if spec.Batch <= 0 {
		spec.Batch = 200
	}
	g := &gen{r: rand.New(rand.NewPCG(spec.Seed, spec.Seed^0x9e3779b97f4a7c15))}
	var st Stats
	lookups := map[string][]string{}
	err := svc.Read(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		for _, c := range []string{"status", "priority", "severity", "issue_type", "stage", "resolution", "keyword"} {
			ids, _, err := tx.Filter(c, &tracker.Filter{})
			if err != nil {
				return err
			}
			lookups[c] = ids
		}
		for _, set := range []struct {
			cls   string
			names []string
		}{{"component", components}, {"version", versions}} {
			cls := set.cls
			for _, n := range set.names {
				id, err := tx.Lookup(cls, n)
				if err != nil {
					return fmt.Errorf("python-dev data missing %s %q: %w", cls, n, err)
				}
				lookups[cls] = append(lookups[cls], id)
			}
		}
		for _, k := range []string{"patch", "easy"} {
			id, err := tx.Lookup("keyword", k)
			if err != nil {
				return err
			}
			lookups["kw:"+k] = []string{id}
		}
		for _, s := range []string{"open", "closed", "pending", "languishing"} {
			id, err := tx.Lookup("status", s)
			if err != nil {
				return err
			}
			lookups["status:"+s] = []string{id}
		}
		return nil
	})
	if err != nil {
		return st, err
	}
	// Users.
	var users []string
	for start := 0; start < spec.Users; start += 500 {
		err := svc.Update(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
			for i := start; i < min(start+500, spec.Users); i++ {
				roles := "User"
				switch r := g.r.IntN(100); {
				case r < 2:
					roles = "User,Coordinator"
				case r < 10:
					roles = "User,Developer"
				}
				name := "user" + strconv.Itoa(i+1)
				id, err := tx.Create("user", tracker.Values{"username": name, "realname": "User " + strconv.Itoa(i+1),
					"address": name + "@example.org", "roles": roles})
				if err != nil {
					return err
				}
				users = append(users, id)
			}
			return nil
		})
		if err != nil {
			return st, err
		}
	}
	st.Users = len(users)
	devs := users[:max(1, len(users)/10)]
	// Issues, messages, files.
	msgsLeft, filesLeft := spec.Messages, spec.Files
	for start := 0; start < spec.Issues; start += spec.Batch {
		end := min(start+spec.Batch, spec.Issues)
		err := svc.Update(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
			for i := start; i < end; i++ {
				left := spec.Issues - i
				nmsg := msgsLeft / left
				if r := msgsLeft % left; g.r.IntN(left) < r {
					nmsg++
				}
				if nmsg < 1 {
					nmsg = 1
				}
				msgsLeft -= nmsg
				nfile := 0
				if filesLeft > 0 && g.r.IntN(left) < filesLeft {
					nfile = 1
					filesLeft--
				}
				if err := g.issue(tx, lookups, users, devs, nmsg, nfile, &st); err != nil {
					return fmt.Errorf("issue %d: %w", i+1, err)
				}
			}
			return nil
		})
		if err != nil {
			return st, err
		}
		if progress != nil {
			progress(end, spec.Issues)
		}
	}
	st.Elapsed = time.Since(start)
	return st, nil
}

func (g *gen) issue(tx *tracker.Tx, lk map[string][]string, users, devs []string, nmsg, nfile int, st *Stats) error {
	author := g.pick(users)
	common := g.r.IntN(100) < 15
	rare := g.r.IntN(1000) < 5
	nosy := []string{author}
	for n := g.r.IntN(5); n > 0; n-- {
		nosy = append(nosy, g.pick(users))
	}
	var kws []string
	if g.r.IntN(100) < 5 {
		kws = append(kws, lk["kw:easy"][0])
	}
	status := lk["status:closed"][0]
	switch r := g.r.IntN(100); {
	case r < 35:
		status = lk["status:open"][0]
	case r < 40:
		status = lk["status:pending"][0]
	case r < 45:
		status = lk["status:languishing"][0]
	}
	vals := tracker.Values{
		"title":      g.sentence(3 + g.r.IntN(6)),
		"type":       g.pick(lk["issue_type"]),
		"components": []string{g.pick(lk["component"])},
		"versions":   []string{g.pick(lk["version"]), g.pick(lk["version"])},
		"severity":   g.pick(lk["severity"]),
		"priority":   g.pick(lk["priority"]),
		"status":     status,
		"nosy":       nosy,
		"keywords":   kws,
	}
	if g.r.IntN(100) < 20 {
		vals["assignee"] = g.pick(devs)
	}
	var msgs []string
	for m := 0; m < nmsg; m++ {
		var extra []string
		if m == 0 && common {
			extra = append(extra, CommonWord)
		}
		if m == nmsg-1 && rare {
			extra = append(extra, RareWord)
		}
		by := author
		if m > 0 {
			by = g.pick(nosy)
		}
		id, err := tx.Create("msg", tracker.Values{"content": g.text(30+g.r.IntN(120), extra...), "author": by,
			"type": "text/plain", "date": tx.Service().Now()})
		if err != nil {
			return err
		}
		msgs = append(msgs, id)
		st.Messages++
		if m == 0 {
			vals["messages"] = []string{id}
			iid, err := tx.Create("issue", vals)
			if err != nil {
				return err
			}
			vals = tracker.Values{"id": iid}
			st.Issues++
			continue
		}
		if err := tx.Set("issue", vals["id"].(string), tracker.Values{"messages": append([]string(nil), msgs...)}); err != nil {
			return err
		}
	}
	iid := vals["id"].(string)
	for f := 0; f < nfile; f++ {
		diff := "--- a/Lib/foo.py\n+++ b/Lib/foo.py\n@@ -1,3 +1,3 @@\n-" + g.sentence(6) + "\n+" + g.sentence(6) + "\n"
		fid, err := tx.Create("file", tracker.Values{"name": "fix" + strconv.Itoa(f+1) + ".patch", "type": "text/plain", "content": diff})
		if err != nil {
			return err
		}
		st.Files++
		if err := tx.Set("issue", iid, tracker.Values{"files": []string{fid}, "keywords": append(kwsOf(tx, iid), lk["kw:patch"][0])}); err != nil {
			return err
		}
	}
	return nil
}

func kwsOf(tx *tracker.Tx, iid string) []string {
	it, err := tx.Get("issue", iid)
	if err != nil {
		return nil
	}
	return append([]string(nil), it.IDs("keywords")...)
}
