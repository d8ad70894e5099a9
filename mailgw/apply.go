package mailgw

import (
	"context"
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
		return Outcome{}, &temporary{fmt.Errorf("applying the message: %w", err)}
	}
	return out, nil
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
