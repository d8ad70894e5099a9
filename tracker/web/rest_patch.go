package web

import (
	"net/http"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// restPatchOp reads @op (rest.py: default "replace").
func restPatchOp(rr *restReq) string {
	if f, ok := rr.in.get("@op"); ok && f.value != "" {
		return strings.ToLower(strings.TrimSpace(f.value))
	}
	return "replace"
}

// restPatchItem is PATCH on an item (rest.py patch_element): @op=add,
// remove or replace applied to each given property, or @op=action with
// @action_name=retire|restore. The ETag must match.
func (s *Site) restPatchItem(rr *restReq) (any, error) {
	c, it, err := s.restItem(rr)
	if err != nil {
		return nil, err
	}
	op := restPatchOp(rr)
	if op == "action" {
		name := ""
		if f, ok := rr.in.get("@action_name"); ok {
			name = f.value
		}
		if name != "retire" && name != "restore" {
			return nil, restErr(http.StatusBadRequest, `action "`+name+`" is not supported, allowed: retire, restore`)
		}
		if err := s.restRetire(rr, c, it.ID, name); err != nil {
			return nil, err
		}
		return map[string]any{"id": it.ID, "type": c.Name, "link": rr.data + "/" + c.Name + "/" + it.ID, "result": nil}, nil
	}
	if op != "add" && op != "remove" && op != "replace" {
		return nil, restErr(http.StatusBadRequest, "PATCH Operation "+op+" is not allowed")
	}
	return s.restSet(rr, c, it.ID, func(tx *tracker.Tx, cur *tracker.Item) (tracker.Values, error) {
		vals, err := s.restValues(rr, tx, c, nil, false)
		if err != nil {
			return nil, err
		}
		for k, v := range vals {
			p := c.Prop(k)
			if p != nil && p.Required && op == "remove" {
				return nil, restErr(http.StatusBadRequest, "Attribute '"+k+"' is required by class "+c.Name+" and can not be removed.")
			}
			nv, err := patchData(op, c, p, k, cur.Get(k), v)
			if err != nil {
				return nil, err
			}
			vals[k] = nv
		}
		return vals, nil
	})
}

// patchData combines a property's current value with a PATCH value
// (rest.py patch_data): add appends to Multilinks (and to strings,
// and sums numbers, as Python's + does), remove takes the given ids out
// of a Multilink — all of them when none are given — and unsets any
// other property, replace sets the new value.
func patchData(op string, c *tracker.Class, p *tracker.Property, name string, old, v any) (any, error) {
	switch op {
	case "replace":
		return v, nil
	case "add":
		if old == nil {
			return v, nil
		}
		if v == nil {
			return old, nil
		}
		kind := tracker.String
		if p != nil {
			kind = p.Kind
		}
		switch kind {
		case tracker.Multilink:
			out := append([]string(nil), idsOf(old)...)
			for _, id := range idsOf(v) {
				if !contains(out, id) {
					out = append(out, id)
				}
			}
			tracker.SortIDs(out)
			return out, nil
		case tracker.String:
			return old.(string) + v.(string), nil
		case tracker.Number:
			return old.(float64) + v.(float64), nil
		case tracker.Integer:
			return old.(int64) + v.(int64), nil
		}
		return nil, restErr(http.StatusBadRequest, "PATCH Operation add is not possible on the "+kind.String()+" property "+name+" of "+c.Name)
	case "remove":
		if p == nil || p.Kind != tracker.Multilink {
			return nil, nil
		}
		rm := idsOf(v)
		if len(rm) == 0 {
			return []string{}, nil
		}
		out := []string{}
		for _, id := range idsOf(old) {
			if !contains(rm, id) {
				out = append(out, id)
			}
		}
		return out, nil
	}
	return nil, restErr(http.StatusBadRequest, "PATCH Operation "+op+" is not allowed")
}
