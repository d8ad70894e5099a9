package mailgw

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// change accumulates the values of the item being created or updated, in
// the order Roundup's dict would hold them (its permission checks report
// the first refused property).
type change struct {
	vals  tracker.Values
	order []string
}

func (c *change) set(k string, v any) {
	if _, ok := c.vals[k]; !ok {
		c.order = append(c.order, k)
	}
	c.vals[k] = v
}

// apply runs steps 9-17 of Roundup's pipeline in one transaction acting
// as the author: the deduplication mark, class permission, recipients,
// subject arguments and title, files, the msg, and the create or set.
// Nothing is written unless all of it succeeds.
func (g *Gateway) apply(ctx context.Context, in *inbound, d *decision) (Outcome, error) {
	body, atts := g.rules.extract.Extract(in.root)
	var out Outcome
	err := g.svc.Update(ctx, d.authorID, func(tx *tracker.Tx) error {
		first, err := tx.MarkIncoming(in.key, "accepted")
		if err != nil {
			return err
		}
		if !first {
			out = Outcome{Status: Accepted, Duplicate: true, Text: "already handled"}
			return nil
		}
		if d.fast {
			if err := checkAuthor(tx, strings.TrimSpace(in.from.Addr)); err != nil {
				return err
			}
			if err := tx.System(func() error { return g.nodeID(tx, in, d) }); err != nil {
				return err
			}
		}
		cls := d.class.Name
		var cur *tracker.Item
		if d.nodeID != "" {
			if !tx.Can("Edit", cls, "", d.nodeID) {
				return unauthorized(textNoEdit, cls)
			}
			if cur, err = tx.GetForUpdate(cls, d.nodeID); err != nil {
				return err
			}
		} else if !tx.Can("Create", cls, "", "") {
			return unauthorized(textNoCreate, cls)
		}
		recips, err := g.recipients(tx, in, d)
		if err != nil {
			return err
		}
		ch, err := g.props(tx, in, d, cur)
		if err != nil {
			return err
		}
		msgFiles, err := g.createFiles(tx, d, cur, atts, ch)
		if err != nil {
			return err
		}
		if err := g.createMsg(tx, in, d, cur, body, recips, msgFiles, ch); err != nil {
			return err
		}
		id, err := g.createNode(tx, d, cur, ch)
		if err != nil {
			return err
		}
		out = Outcome{Status: Accepted, Designator: cls + id}
		return nil
	})
	if err != nil {
		if errors.Is(err, errStaleAuthor) || (d.fast && isNotFound(err)) {
			return Outcome{}, errStaleAuthor
		}
		if _, ok := asRefusal(err); ok || !isTemporary(err) {
			if !ok {
				err = usage(textProblem, err.Error())
			}
			return Outcome{}, err
		}
		return Outcome{}, &temporary{err}
	}
	return out, nil
}

// props is get_props: the subject's arguments (per suffix mode), the
// title, and -S values of the class; subject arguments win.
func (g *Gateway) props(tx *tracker.Tx, in *inbound, d *decision, cur *tracker.Item) (*change, error) {
	s := d.subj
	cls := d.class.Name
	ch := &change{vals: tracker.Values{}}
	title := s.Title
	if s.ID != "" && d.nodeID == "" {
		title = in.subject // the designator named nothing: keep it all
	}
	if s.HasArgs && s.Args != "" {
		if g.opts.SubjectSuffixParsing == "none" {
			title += " " + s.ArgsWhole
		} else {
			vals, order, errs, err := propArray(tx, cls, cur, s.Args)
			if err != nil {
				return nil, err
			}
			if len(errs) > 0 {
				if g.opts.SubjectSuffixParsing == "strict" {
					return nil, usage(textArgs, strings.Join(errs, "\n- "), in.subject)
				}
				title += " " + s.ArgsWhole
			} else {
				for _, k := range order {
					ch.set(k, vals[k])
				}
			}
		}
	}
	defaults, err := g.setValues(tx, cls)
	if err != nil {
		return nil, err
	}
	title = pyStrip(title)
	if d.class.Prop("title") != nil {
		if _, given := defaults["title"]; title != "" && !given {
			defaults["title"] = title
		}
		if cur != nil && g.opts.NoSubjectUpdatesTitle {
			defaults["title"] = cur.Values["title"]
		}
	}
	for _, k := range sortedKeys(defaults) {
		if _, ok := ch.vals[k]; !ok {
			ch.set(k, defaults[k])
		}
	}
	return ch, nil
}

// propArray is setPropArrayFromString: "prop=value;prop=value" parsed
// against the item's current values (Multilink +/- edits); each piece
// needs exactly one '=' (the first that does not stops the parse).
// Value errors are collected in Roundup's wording; err is for failures
// of the database.
func propArray(tx *tracker.Tx, class string, cur *tracker.Item, s string) (tracker.Values, []string, []string, error) {
	vals := tracker.Values{}
	var order, errs []string
	for _, piece := range strings.Split(s, ";") {
		kv := strings.Split(piece, "=")
		if len(kv) != 2 {
			return vals, order, append(errs, textArgForm), nil
		}
		name := strings.TrimSpace(kv[0])
		var cv any
		if cur != nil {
			cv = cur.Values[name]
		}
		v, err := tx.ParseValue(class, name, kv[1], cv)
		var ve *tracker.ValueError
		switch {
		case errors.As(err, &ve):
			errs = append(errs, ve.Error())
		case errors.Is(err, tracker.ErrNotFound):
			errs = append(errs, err.Error())
		case err != nil:
			return nil, nil, nil, err
		default:
			if _, dup := vals[name]; !dup {
				order = append(order, name)
			}
			vals[name] = v
		}
	}
	return vals, order, errs, nil
}

// setValues parses the -S values of a class (get_class_arguments); a
// value that does not parse is Roundup's set-up error.
func (g *Gateway) setValues(tx *tracker.Tx, class string) (tracker.Values, error) {
	out := tracker.Values{}
	for _, s := range g.rules.setValues[class] {
		vals, _, errs, err := propArray(tx, class, nil, strings.TrimSpace(s))
		if err != nil {
			return nil, err
		}
		if len(errs) > 0 {
			return nil, usage(textSetup, g.opts.AdminEmail, strings.Join(errs, "\n  "))
		}
		for k, v := range vals {
			out[k] = v
		}
	}
	return out, nil
}

// createFiles is create_files: a file item per attachment ("unnamed"
// when it has no name, plus -S file.* values; an auditor's Reject skips
// the file), appended to the item's files.
func (g *Gateway) createFiles(tx *tracker.Tx, d *decision, cur *tracker.Item, atts []Attachment, ch *change) ([]string, error) {
	if d.class.Prop("files") == nil || len(atts) == 0 {
		return nil, nil
	}
	extra, err := g.setValues(tx, "file")
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, a := range atts {
		if !tx.Can("Create", "file", "", "") {
			return nil, unauthorized(textNoFiles)
		}
		name := a.Name
		if name == "" {
			name = "unnamed"
		}
		vals := tracker.Values{"type": a.Type, "name": name, "content": string(a.Data)}
		for k, v := range extra {
			vals[k] = v
		}
		id, err := tx.Create("file", vals)
		var rj *tracker.Reject
		var pe *tracker.PermissionError
		switch {
		case errors.As(err, &rj):
			continue
		case errors.As(err, &pe):
			return nil, unauthorized(textNoFiles)
		case err != nil:
			return nil, err
		}
		ids = append(ids, id)
	}
	if d.nodeID != "" && !tx.Can("Edit", d.class.Name, "files", d.nodeID) {
		return nil, unauthorized(textNoAddFiles, d.class.Name)
	}
	all := ids
	if cur != nil {
		all = append(append([]string(nil), cur.IDs("files")...), ids...)
	}
	ch.set("files", uniqueIDs(all))
	if ids == nil {
		ids = []string{}
	}
	return ids, nil
}

// createMsg is create_msg: the cleaned body becomes a msg (author,
// recipients, date, summary, content, messageid, inreplyto, files, -S
// msg.* values) appended to the item's messages; an empty body makes no
// msg (and no notification); no usable text part at all is refused.
func (g *Gateway) createMsg(tx *tracker.Tx, in *inbound, d *decision, cur *tracker.Item, body *string,
	recips, files []string, ch *change) error {
	if d.class.Prop("messages") == nil {
		return nil
	}
	extra, err := g.setValues(tx, "msg")
	if err != nil {
		return err
	}
	if body == nil {
		return usage(textNotPlain)
	}
	isNew := d.nodeID == ""
	keepQuoted := g.opts.KeepQuotedText == "yes" || (g.opts.KeepQuotedText == "new" && isNew)
	keepBody := g.opts.LeaveBodyUnchanged == "yes" || (g.opts.LeaveBodyUnchanged == "new" && isNew)
	summary, content := g.rules.body.Clean(*body, keepQuoted, keepBody)
	content = pyStrip(content)
	if content == "" {
		return nil
	}
	if !tx.Can("Create", "msg", "", "") {
		return unauthorized(textNoMsgs)
	}
	mid := in.msgID
	if mid == "" {
		mid = g.newMessageID(d)
	}
	vals := tracker.Values{}
	for k, v := range extra {
		vals[k] = v
	}
	if recips == nil {
		recips = []string{}
	}
	for k, v := range map[string]any{
		"author": d.authorID, "recipients": recips, "date": tx.Service().Now(),
		"summary": summary, "content": content, "messageid": mid,
		"inreplyto": in.root.Header.Text("in-reply-to"),
	} {
		vals[k] = v
	}
	if files != nil {
		vals["files"] = files
	}
	for k, v := range vals {
		if s, ok := v.(string); ok && s == "" {
			delete(vals, k)
		}
	}
	msgID, err := tx.Create("msg", vals)
	var rj *tracker.Reject
	var pe *tracker.PermissionError
	switch {
	case errors.As(err, &rj):
		return usage(textMsgRejected, rj.Msg)
	case errors.As(err, &pe):
		return unauthorized(textNoMsgs)
	case err != nil:
		return err
	}
	if g.opts.Originals != nil {
		if err := g.opts.Originals.KeepOriginal(tx, msgID, in.raw); err != nil {
			return fmt.Errorf("keeping the original of msg%s: %w", msgID, err)
		}
	}
	if d.nodeID != "" && !tx.Can("Edit", d.class.Name, "messages", d.nodeID) {
		return unauthorized(textNoAddMsgs, d.class.Name)
	}
	msgs := []string{msgID}
	if cur != nil {
		msgs = append(append([]string(nil), cur.IDs("messages")...), msgID)
	}
	ch.set("messages", msgs)
	return nil
}

// newMessageID makes a Message-Id for a mail that has none, as Roundup
// does ("<time.random.issue42@domain>"; for a new item Roundup writes
// "issueNone", Corral just the class).
func (g *Gateway) newMessageID(d *decision) string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	now := g.svc.Now()
	return fmt.Sprintf("<%d.%06d.%s.%s%s@%s>", now.Unix(), now.Nanosecond()/1000,
		base32.StdEncoding.EncodeToString(b), d.class.Name, d.nodeID, g.opts.MailDomain)
}

// createNode is create_node: every property is checked (Edit on the item
// for an update — with its item checks, DESIGN §2.1 — or Create for a new
// one), then the item is set or created. Refusals by auditors and value
// errors are Roundup's "There was a problem with the message you sent".
func (g *Gateway) createNode(tx *tracker.Tx, d *decision, cur *tracker.Item, ch *change) (string, error) {
	cls := d.class.Name
	if cur != nil {
		for _, p := range ch.order {
			if !tx.Can("Edit", cls, p, d.nodeID) {
				return "", unauthorized(textNoEditProp, p, cls)
			}
		}
		if cur.Retired {
			return "", usage(textProblem, "Requested item is retired")
		}
		return d.nodeID, nodeErr(tx.Set(cls, d.nodeID, ch.vals), "Edit", cls)
	}
	for _, p := range ch.order {
		if !tx.Can("Create", cls, p, "") {
			return "", unauthorized(textNoSetProp, p, cls)
		}
	}
	if _, ok := ch.vals["content"]; d.class.HasContent() && !ok {
		// "[file] ..." or "[msg] ...": the body is never a file's
		// content (Roundup fails with an unexpected error here).
		return "", usage(textProblem, "Required property content not supplied")
	}
	id, err := tx.Create(cls, ch.vals)
	return id, nodeErr(err, "Create", cls)
}

func nodeErr(err error, perm, cls string) error {
	var pe *tracker.PermissionError
	var rj *tracker.Reject
	var ve *tracker.ValueError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &pe) && pe.Prop != "" && perm == "Edit":
		return unauthorized(textNoEditProp, pe.Prop, cls)
	case errors.As(err, &pe) && pe.Prop != "":
		return unauthorized(textNoSetProp, pe.Prop, cls)
	case errors.As(err, &pe) && perm == "Edit":
		return unauthorized(textNoEdit, cls)
	case errors.As(err, &pe):
		return unauthorized(textNoCreate, cls)
	case errors.As(err, &rj):
		return usage(textProblem, rj.Msg)
	case errors.As(err, &ve):
		return usage(textProblem, ve.Error())
	}
	return err
}

func uniqueIDs(ids []string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func sortedKeys(v tracker.Values) []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}
