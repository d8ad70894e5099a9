package web

import (
	"net/http"
	"sort"

	"github.com/corral-tracker/corral/tracker"
)

// restGetProperty shows one property (rest.py get_attribute): id, the
// Python type name Roundup reports, link, the raw value (ids for links)
// and the item's @etag. binary_content of files and messages is the
// content itself when the Accept header asks for its type, octet-stream
// or */*; in JSON it is Python's repr of the bytes, as in Roundup.
func (s *Site) restGetProperty(rr *restReq) (any, error) {
	q := rr.q
	c, it, err := s.restItem(rr)
	if err != nil {
		return nil, err
	}
	name := rr.parts[3]
	link := rr.data + "/" + c.Name + "/" + it.ID + "/" + name
	content := c.HasContent() && (name == "content" || name == "binary_content")
	p := c.Prop(name)
	if p == nil && !content {
		return nil, restErr(http.StatusBadRequest, "Invalid attribute "+name)
	}
	viewProp := name
	if content {
		viewProp = "content"
	}
	if !q.can("View", c.Name, viewProp, it.ID) {
		return nil, restErr(http.StatusForbidden, "Permission to view "+c.Name+it.ID+" "+name+" denied")
	}
	etag := s.etag(it)
	var data any
	typ := ""
	if content {
		b, err := q.tx.Content(c.Name, it.ID)
		if err != nil {
			return nil, err
		}
		if name == "binary_content" {
			if rr.accept != "" {
				ct := rr.accept
				if (ct == "text/html" || ct == "image/svg+xml") && !s.cfg.AllowHTMLFile {
					// Never let uploaded markup run as our origin (content.go).
					ct = "application/octet-stream"
				}
				return &restRaw{ctype: ct, data: b}, nil
			}
			data, typ = pyBytesRepr(b), "<class 'bytes'>"
		} else {
			data, typ = string(b), "<class 'str'>"
		}
	} else {
		v := it.Get(name)
		data, typ = restJSONValue(p, v), pyTypeName(p, v)
	}
	q.w.Header().Set("ETag", etag)
	return map[string]any{"id": it.ID, "type": typ, "link": link, "data": data, "@etag": etag}, nil
}

// restPropertyTarget checks a property endpoint written to: the property
// must exist (400) and not be automatic (405), and the user needs Edit
// on it (403).
func (s *Site) restPropertyTarget(rr *restReq, verb string) (*tracker.Class, *tracker.Item, *tracker.Property, error) {
	c, it, err := s.restItem(rr)
	if err != nil {
		return nil, nil, nil, err
	}
	name := rr.parts[3]
	p := c.Prop(name)
	if p == nil && !(name == "content" && c.HasContent()) {
		if verb == "delete" {
			return nil, nil, nil, restErr(http.StatusBadRequest, "Attribute '"+name+"' not valid for class "+c.Name+".")
		}
		return nil, nil, nil, restErr(http.StatusBadRequest, tracker.PyRepr(name)+" is not a property of "+c.Name)
	}
	if p != nil && (p.Protected || p.Computed) {
		w := "updated"
		if verb == "delete" {
			w = "deleted"
		}
		return nil, nil, nil, restErr(http.StatusMethodNotAllowed, "Attribute '"+name+"' can not be "+w+" for class "+c.Name+".")
	}
	if !rr.q.can("Edit", c.Name, name, it.ID) {
		return nil, nil, nil, restErr(http.StatusForbidden, "Permission to "+map[string]string{"delete": "delete", "put": "edit", "patch": "edit"}[verb]+" "+c.Name+it.ID+" "+name+" denied")
	}
	return c, it, p, nil
}

// dataField is the value of a property endpoint's write ("data").
func dataField(rr *restReq) (restField, error) {
	f, ok := rr.in.get("data")
	if !ok {
		return f, restErr(http.StatusBadRequest, "Missing the 'data' field holding the new value")
	}
	return f, nil
}

// restPutProperty sets one property (rest.py put_attribute) from the
// "data" field; the answer is that of PUT on the item.
func (s *Site) restPutProperty(rr *restReq) (any, error) {
	c, it, p, err := s.restPropertyTarget(rr, "put")
	if err != nil {
		return nil, err
	}
	f, err := dataField(rr)
	if err != nil {
		return nil, err
	}
	f.name = rr.parts[3]
	return s.restSet(rr, c, it.ID, func(tx *tracker.Tx, cur *tracker.Item) (tracker.Values, error) {
		v, err := s.restFieldValue(tx, c, p, f, cur)
		if err != nil {
			return nil, err
		}
		return tracker.Values{f.name: v}, nil
	})
}

// restPatchProperty applies @op to one property (rest.py
// patch_attribute).
func (s *Site) restPatchProperty(rr *restReq) (any, error) {
	c, it, p, err := s.restPropertyTarget(rr, "patch")
	if err != nil {
		return nil, err
	}
	op := restPatchOp(rr)
	if op != "add" && op != "remove" && op != "replace" {
		return nil, restErr(http.StatusBadRequest, "PATCH Operation "+op+" is not allowed")
	}
	f, err := dataField(rr)
	if err != nil {
		return nil, err
	}
	f.name = rr.parts[3]
	return s.restSet(rr, c, it.ID, func(tx *tracker.Tx, cur *tracker.Item) (tracker.Values, error) {
		v, err := s.restFieldValue(tx, c, p, f, nil)
		if err != nil {
			return nil, err
		}
		if p != nil && p.Required && op == "remove" {
			return nil, restErr(http.StatusBadRequest, "Attribute '"+f.name+"' is required by class "+c.Name+" and can not be removed.")
		}
		nv, err := patchData(op, c, p, f.name, cur.Get(f.name), v)
		if err != nil {
			return nil, err
		}
		return tracker.Values{f.name: nv}, nil
	})
}

// restDeleteProperty unsets a property (rest.py delete_attribute);
// required properties cannot be unset.
func (s *Site) restDeleteProperty(rr *restReq) (any, error) {
	c, it, p, err := s.restPropertyTarget(rr, "delete")
	if err != nil {
		return nil, err
	}
	name := rr.parts[3]
	if p == nil || p.Required {
		return nil, restErr(http.StatusBadRequest, "Attribute '"+name+"' is required by class "+c.Name+" and can not be deleted.")
	}
	var empty any
	if p.Kind == tracker.Multilink {
		empty = []string{}
	}
	if _, err := s.restSet(rr, c, it.ID, func(tx *tracker.Tx, cur *tracker.Item) (tracker.Values, error) {
		return tracker.Values{name: empty}, nil
	}); err != nil {
		return nil, err
	}
	return map[string]any{"status": "ok"}, nil
}

// restHistory is GET /data/CLASS/ID/@history: the item's journal, oldest
// first, as Roundup's hyperdb history() tuples — date, user, action and
// args: for "set" the old values of changed properties (multilinks as
// [["+", ids], ["-", ids]]), for "link"/"unlink" [class, id, property].
// Roundup's REST has no journal endpoint; Corral adds this one under an
// "@" name no property can have. Quiet properties and properties the
// user may not view are left out.
func (s *Site) restHistory(rr *restReq) (any, error) {
	q := rr.q
	c, it, err := s.restItem(rr)
	if err != nil {
		return nil, err
	}
	if !q.can("View", c.Name, "", it.ID) {
		return nil, restErr(http.StatusForbidden, "Permission to view "+c.Name+it.ID+" denied")
	}
	entries, err := q.tx.Journal(c.Name, it.ID)
	if err != nil {
		return nil, err
	}
	out := []map[string]any{}
	for _, e := range entries {
		var args any
		switch e.Action {
		case tracker.ActSet:
			m := map[string]any{}
			names := e.Params.Changed()
			sort.Strings(names)
			for _, n := range names {
				p := c.Prop(n)
				if p == nil || p.Quiet || !q.can("View", c.Name, n, it.ID) {
					continue
				}
				if old, ok := e.Params.Old[n]; ok {
					m[n] = restJSONValue(p, old)
					continue
				}
				var ops [][2]any
				if a := e.Params.Added[n]; len(a) > 0 {
					ops = append(ops, [2]any{"+", a})
				}
				if r := e.Params.Removed[n]; len(r) > 0 {
					ops = append(ops, [2]any{"-", r})
				}
				m[n] = ops
			}
			if len(m) == 0 {
				continue
			}
			args = m
		case tracker.ActLink, tracker.ActUnlink:
			args = []string{e.Params.LinkClass, e.Params.LinkID, e.Params.LinkProp}
		default:
			args = map[string]any{}
		}
		var user any
		if e.User != "" {
			user = s.restLink(rr, "user", e.User, 1)
		}
		out = append(out, map[string]any{"date": tracker.FormatDate(e.Date), "user": user, "action": e.Action, "args": args})
	}
	return map[string]any{"id": it.ID, "type": c.Name, "link": rr.data + "/" + c.Name + "/" + it.ID, "history": out}, nil
}
