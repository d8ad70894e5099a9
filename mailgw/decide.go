package mailgw

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// ignore is Roundup's handle_ignore (specs/mailgw.md §4) as DESIGN §2.1
// settles it: our own X-Roundup-Loop; Precedence bulk or junk in any
// case (Roundup: exactly "bulk"; list mail is kept); Auto-Submitted
// other than "no" (RFC 3834; a comment or parameter after the keyword
// does not count, where Roundup compares the whole value); and
// "autoreply" in the subject after its first character (Roundup's rule,
// quirk included: a subject starting with it is processed).
func (g *Gateway) ignore(in *inbound) string {
	h := in.root.Header
	if strings.TrimSpace(h.Text("x-roundup-loop")) != "" {
		return "loop (X-Roundup-Loop)"
	}
	switch strings.ToLower(strings.TrimSpace(h.Text("precedence"))) {
	case "bulk", "junk":
		return "Precedence: " + strings.TrimSpace(h.Text("precedence"))
	}
	if v, ok := h.lookup("auto-submitted"); ok {
		kw := strings.ToLower(strings.TrimSpace(strings.FieldsFunc(DecodeHeader(v)+";", func(r rune) bool { return r == ';' || r == '(' })[0]))
		if kw != "no" {
			return "Auto-Submitted: " + strings.TrimSpace(v)
		}
	}
	if strings.Index(strings.ToLower(in.subject), "autoreply") > 0 {
		return "auto-reply subject"
	}
	return ""
}

// process runs the steps after the silent drops.
func (g *Gateway) process(ctx context.Context, in *inbound) (Outcome, error) {
	if strings.ToLower(pyStrip(in.subject)) == "help" {
		return g.help(ctx, in)
	}
	if in.subject == "" {
		return Outcome{}, usage(textNoSubject)
	}
	subj := g.rules.subject.Parse(in.subject)
	if !g.opts.NoRegistrationConfirmation {
		if m := registrationKey.FindStringSubmatch(subj.Title); m != nil {
			return g.confirm(ctx, in, m[1])
		}
	}
	class, err := g.className(in, subj)
	if err != nil {
		return Outcome{}, err
	}
	addr := strings.ToLower(strings.TrimSpace(in.from.Addr))
	if e, ok := g.authors.get(addr); ok {
		// A sender seen moments ago: the lookups happen in the message's
		// own transaction (apply), which re-checks the user.
		d := &decision{class: class, subj: subj, authorID: e.id, register: e.register, fast: true}
		out, err := g.apply(ctx, in, d)
		if !errors.Is(err, errStaleAuthor) {
			return out, err
		}
		g.authors.drop(addr)
	}
	d := &decision{class: class, subj: subj}
	if err := g.decide(ctx, in, d); err != nil {
		return Outcome{}, err
	}
	if d.authorID != "" && d.authorID != d.anonID {
		g.authors.put(addr, authorEntry{id: d.authorID, register: d.register})
	}
	return g.apply(ctx, in, d)
}

// decision is what the read-only steps found out.
type decision struct {
	class    *tracker.Class
	subj     Subject
	nodeID   string // "" = create
	authorID string
	anonID   string
	// register: unknown addresses may be turned into users.
	register bool
	// fast: the author was remembered (authorCache); nodeID is decided
	// and the author re-checked inside apply's transaction.
	fast bool
}

// className is get_classname: the designator's class, else the default
// class. Class names are matched case-insensitively, as the subject
// grammar finds them ("[Keyword1]" names keyword 1; Roundup falls back
// to the default class, making it issue 1).
func (g *Gateway) className(in *inbound, s Subject) (*tracker.Class, error) {
	pfx := g.opts.SubjectPrefixParsing
	typed := s.Class
	if pfx == "none" {
		typed = ""
	}
	if typed == "" && s.HasPrefix && pfx == "strict" {
		return nil, usage(textBadPrefix, in.subject)
	}
	schema := g.svc.Schema
	if typed != "" {
		for _, n := range schema.ClassNames() {
			if strings.EqualFold(n, typed) {
				return schema.Class(n), nil
			}
		}
	}
	if c := schema.Class(g.opts.DefaultClass); c != nil && g.opts.DefaultClass != "" {
		return c, nil
	}
	if typed != "" {
		return nil, usage(textUnknownClass, typed, strings.Join(schema.ClassNames(), ", "), in.subject)
	}
	return nil, usage(textNoClass, in.subject)
}

// decide runs get_nodeid and the lookup half of get_author_id in one
// read-only transaction, then registers an unknown sender when the
// tracker allows it (committed on its own, as Roundup commits before
// going on as the author), and checks Email Access.
func (g *Gateway) decide(ctx context.Context, in *inbound, d *decision) error {
	anon, err := g.svc.AnonymousID(ctx)
	if err != nil {
		return fmt.Errorf("looking up anonymous: %w", err)
	}
	d.anonID = anon
	var access error
	// No acting user: these are lookups, and permission questions name
	// their user (CanUser); it spares loading one.
	err = g.svc.Read(ctx, "", func(tx *tracker.Tx) error {
		if err := g.nodeID(tx, in, d); err != nil {
			return err
		}
		d.register = anon != "" && tx.CanUser(anon, "Register", "user", "", "") && tx.CanUser(anon, "Email Access", "", "", "")
		if d.authorID, err = findUser(tx, in.from.Addr); err != nil {
			return err
		}
		if d.authorID != "" || !d.register {
			access = g.checkAccess(tx, in, d)
		}
		return nil
	})
	if err != nil {
		if isRefusal(err) {
			return err
		}
		return fmt.Errorf("looking up the item and the sender: %w", err)
	}
	if d.authorID == "" && d.register {
		err := g.svc.Update(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
			id, err := g.registerUser(tx, in.from)
			d.authorID = id
			if err == nil {
				access = g.checkAccess(tx, in, d)
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("registering %s: %w", in.from.Addr, err)
		}
	}
	return access
}

func isRefusal(err error) bool {
	_, ok := asRefusal(err)
	return ok
}

// checkAccess: the author (or anonymous) needs Email Access.
func (g *Gateway) checkAccess(tx *tracker.Tx, in *inbound, d *decision) error {
	if d.authorID == "" {
		d.authorID = d.anonID
	}
	if d.authorID == "" {
		return unauthorized(textNotUser, "", in.from.Addr)
	}
	if tx.CanUser(d.authorID, "Email Access", "", "", "") {
		return nil
	}
	if d.authorID != d.anonID {
		return unauthorized(textNoAccess)
	}
	info := ""
	if tx.CanUser(d.anonID, "Web Access", "", "", "") && tx.CanUser(d.anonID, "Register", "user", "", "") {
		info = strings.ReplaceAll(textRegister, "%s", g.opts.TrackerWeb)
	}
	return unauthorized(textNotUser, info, in.from.Addr)
}

var msgIDToken = regexp.MustCompile(`<[^<>\s]+>`)

// threadIDs lists the message ids a reply refers to: every <id> of
// In-Reply-To, then References from the newest. Roundup compares the
// whole In-Reply-To value (a comment after the id defeats it) and never
// reads References.
func threadIDs(in *inbound) []string {
	h := in.root.Header
	irt := h.Text("in-reply-to")
	ids := msgIDToken.FindAllString(irt, -1)
	if len(ids) == 0 && strings.TrimSpace(irt) != "" {
		ids = []string{strings.TrimSpace(irt)}
	}
	refs := msgIDToken.FindAllString(h.Text("references"), -1)
	for i := len(refs) - 1; i >= 0; i-- {
		ids = append(ids, refs[i])
	}
	return ids
}

// nodeID is get_nodeid (specs/mailgw.md §8): the designator's id, else
// the item holding the message replied to, else — for replies — the item
// with the same title; then the id is validated.
func (g *Gateway) nodeID(tx *tracker.Tx, in *inbound, d *decision) error {
	s := d.subj
	nodeID := ""
	if g.opts.SubjectPrefixParsing != "none" {
		nodeID = normID(s.ID)
	}
	refwd := s.Refwd
	if nodeID == "" && d.class.Prop("messages") != nil {
		seen := map[string]bool{}
		for _, mid := range threadIDs(in) {
			if seen[strings.ToLower(mid)] {
				continue
			}
			seen[strings.ToLower(mid)] = true
			items, err := g.itemsWithMessage(tx, d.class, mid)
			if err != nil {
				return err
			}
			if len(items) == 1 {
				nodeID = items[0]
				break
			}
			if len(items) > 1 {
				refwd = true // ambiguous: match the title instead
				break
			}
		}
	}
	if nodeID == "" && s.Title == "" {
		return usage(textNoMatch, in.subject)
	}
	if nodeID == "" && refwd && g.opts.SubjectContentMatch != "never" && d.class.Prop("title") != nil {
		id, err := g.titleMatch(tx, d.class, pyStrip(s.Title))
		if err != nil {
			return err
		}
		nodeID = id
	}
	if nodeID != "" {
		// Retired items exist here (Roundup's hasnode); they fail later.
		var items []*tracker.Item
		var err error
		if tracker.ValidID(nodeID) {
			items, err = tx.GetMany(d.class.Name, []string{nodeID}, []string{})
		}
		if err == nil && len(items) == 0 {
			err = tracker.ErrNotFound
		}
		switch {
		case errors.Is(err, tracker.ErrNotFound):
			if g.opts.SubjectPrefixParsing == "strict" {
				return usage(textNoNode, s.ID, in.subject)
			}
			nodeID = ""
		case err != nil:
			return err
		}
	}
	d.nodeID = nodeID
	return nil
}

// normID drops leading zeros ("[issue007]" is issue 7).
func normID(id string) string {
	if id == "" {
		return ""
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return id
		}
	}
	if t := strings.TrimLeft(id, "0"); t != "" {
		return t
	}
	return "0"
}

// itemsWithMessage returns the active items of class whose messages hold
// an active msg with that Message-Id: equal as written (mail clients copy
// it), else compared case-insensitively as Roundup does.
func (g *Gateway) itemsWithMessage(tx *tracker.Tx, class *tracker.Class, mid string) ([]string, error) {
	msgs, _, err := tx.Filter("msg", &tracker.Filter{Exact: map[string][]string{"messageid": {mid}}})
	if err == nil && len(msgs) == 0 {
		msgs, err = exactFind(tx, "msg", "messageid", mid)
	}
	if err != nil || len(msgs) == 0 {
		return nil, err
	}
	ids, _, err := tx.Filter(class.Name, &tracker.Filter{Spec: map[string][]string{"messages": {strings.Join(msgs, ",")}}})
	return ids, err
}

// titleMatch finds the item whose title equals title case-insensitively;
// of several the newest (highest id) wins, as Roundup takes the last one
// its query returns. subject_content_match "creation INTERVAL" /
// "activity INTERVAL" limits it to items created or active since.
func (g *Gateway) titleMatch(tx *tracker.Tx, class *tracker.Class, title string) (string, error) {
	ids, err := exactFind(tx, class.Name, "title", title)
	if err != nil || len(ids) == 0 {
		return "", err
	}
	if g.rules.matchProp == "" {
		return ids[len(ids)-1], nil
	}
	iv := g.rules.matchAge
	iv.Sign = -iv.Sign
	threshold := iv.AddTo(g.svc.Now())
	items, err := tx.GetMany(class.Name, ids, []string{})
	if err != nil {
		return "", err
	}
	best := ""
	for _, it := range items {
		t := it.Activity
		if g.rules.matchProp == "creation" {
			t = it.Creation
		}
		if t.After(threshold) && (best == "" || tracker.IDInt(it.ID) > tracker.IDInt(best)) {
			best = it.ID
		}
	}
	return best, nil
}

// exactFind is Roundup's stringFind: active items whose String property
// equals value case-insensitively, ids ascending. The filter's substring
// words narrow the search (ASCII words only: SQLite folds only ASCII
// case); the comparison is made here.
func exactFind(tx *tracker.Tx, class, prop, value string) ([]string, error) {
	if strings.TrimSpace(value) == "" {
		return nil, nil
	}
	var words []string
	for _, w := range strings.Fields(value) {
		if isASCII(w) {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		words = strings.Fields(value)[:1]
	}
	ids, _, err := tx.Filter(class, &tracker.Filter{Spec: map[string][]string{prop: {strings.Join(words, " ")}}})
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	items, err := tx.GetMany(class, ids, []string{})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, it := range items {
		if strings.EqualFold(it.Str(prop), value) {
			out = append(out, it.ID)
		}
	}
	tracker.SortIDs(out)
	return out, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
