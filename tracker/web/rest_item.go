package web

import (
	"errors"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// restItemID resolves the ID segment of /data/CLASS/ID: digits are an
// id; "key=value" or a bare non-numeric value looks the item up by the
// class's key property (rest.py get_element).
func (s *Site) restItemID(rr *restReq, c *tracker.Class, seg string) (string, error) {
	if tracker.ValidID(seg) {
		return seg, nil
	}
	v := seg
	if k, val, ok := strings.Cut(seg, "="); ok {
		if k != c.KeyProp || c.KeyProp == "" {
			return "", restErr(http.StatusBadRequest, "Field "+k+" is not key property")
		}
		v = val
	}
	if c.KeyProp == "" {
		return "", restErr(http.StatusNotFound, "Item '"+seg+"' not found")
	}
	if !rr.q.can("View", c.Name, c.KeyProp, "") {
		return "", restErr(http.StatusForbidden, "Permission to view "+c.Name+"."+c.KeyProp+" denied")
	}
	id, err := rr.q.tx.Lookup(c.Name, v)
	if err != nil {
		if errors.Is(err, tracker.ErrNotFound) {
			return "", restErr(http.StatusNotFound, "Item '"+v+"' not found")
		}
		return "", err
	}
	return id, nil
}

// restItem reads the item a /data/CLASS/ID[/...] path names.
func (s *Site) restItem(rr *restReq) (*tracker.Class, *tracker.Item, error) {
	c := s.svc.Schema.Class(rr.parts[1])
	id, err := s.restItemID(rr, c, rr.parts[2])
	if err != nil {
		return nil, nil, err
	}
	it, err := rr.q.tx.Get(c.Name, id)
	if err != nil {
		if errors.Is(err, tracker.ErrNotFound) {
			return nil, nil, restErr(http.StatusNotFound, "Item "+c.Name+id+" not found")
		}
		return nil, nil, err
	}
	return c, it, nil
}

// restGetItem shows an item (rest.py get_element): id, type, link,
// attributes and @etag, with the ETag header. @fields picks (transitive)
// properties; @protected=true adds creation, activity, creator and actor;
// @verbose chooses how links look.
func (s *Site) restGetItem(rr *restReq) (any, error) {
	q := rr.q
	c, it, err := s.restItem(rr)
	if err != nil {
		return nil, err
	}
	if !q.can("View", c.Name, "", it.ID) {
		return nil, restErr(http.StatusForbidden, "Permission to view "+c.Name+it.ID+" denied")
	}
	var props []string
	protected, verbose := false, 1
	for _, f := range rr.in.fields {
		switch f.name {
		case "@fields", "@attrs":
			ps, err := s.restProps(rr, c, f.value)
			if err != nil {
				return nil, err
			}
			if props == nil {
				props = []string{}
			}
			props = append(props, ps...)
		case "@protected":
			protected = strings.EqualFold(f.value, "true")
		case "@verbose":
			n, err := atoiStrict(f.value)
			if err != nil {
				return nil, restErr(http.StatusBadRequest, "When using @verbose: invalid literal for int() with base 10: "+tracker.PyRepr(f.value))
			}
			verbose = n
		}
	}
	if props == nil {
		for _, p := range c.Props {
			if !p.Computed {
				props = append(props, p.Name)
			}
		}
		if c.HasContent() && c.Prop("content") == nil {
			props = append(props, "content")
		}
		if protected {
			for _, p := range tracker.ProtectedProps() {
				props = append(props, p.Name)
			}
		}
	} else if verbose > 1 {
		if lp := c.Label(); !contains(props, lp) {
			props = append(props, lp)
		}
	}
	sort.Strings(props)
	etag := s.etag(it)
	q.w.Header().Set("ETag", etag)
	return map[string]any{
		"id":         it.ID,
		"type":       c.Name,
		"link":       rr.data + "/" + c.Name + "/" + it.ID,
		"attributes": s.formatItem(rr, it, props, verbose),
		"@etag":      etag,
	}, nil
}

// restPutItem changes the given properties (rest.py put_element):
// protected properties in the input are skipped (so a GET's attributes
// can be sent back), the ETag must match (If-Match or @etag, else 412),
// Edit permission is needed for each property the call changes. The
// answer lists the changed properties under "attribute".
func (s *Site) restPutItem(rr *restReq) (any, error) {
	c, it, err := s.restItem(rr)
	if err != nil {
		return nil, err
	}
	return s.restSet(rr, c, it.ID, func(tx *tracker.Tx, cur *tracker.Item) (tracker.Values, error) {
		return s.restValues(rr, tx, c, cur, true)
	})
}

// restSet runs one change of an item in a write transaction: the ETag is
// checked against the item as it is now (locked), values computes the
// new values, Edit is checked for each changed property with Roundup's
// wording, and the changed properties are returned in the "attribute"
// answer.
func (s *Site) restSet(rr *restReq, c *tracker.Class, id string, values func(tx *tracker.Tx, cur *tracker.Item) (tracker.Values, error)) (any, error) {
	q := rr.q
	changed := map[string]any{}
	var after *tracker.Item
	err := s.svc.Update(q.ctx, q.uid, func(tx *tracker.Tx) error {
		cur, err := tx.GetForUpdate(c.Name, id)
		if err != nil {
			return err
		}
		if !s.etagMatches(rr, cur) {
			return errPrecondition
		}
		cur = cur.Clone()
		vals, err := values(tx, cur)
		if err != nil {
			return err
		}
		diff := tracker.Values{}
		for k, v := range vals {
			old := cur.Get(k)
			if k == "content" && c.HasContent() {
				diff[k] = v
				continue
			}
			if !tracker.Equal(old, v) {
				diff[k] = v
			}
		}
		for k := range diff {
			if !tx.Can("Edit", c.Name, k, id) {
				return restErr(http.StatusForbidden, "Permission to edit "+k+" of "+c.Name+id+" denied")
			}
		}
		if len(diff) == 0 {
			return nil
		}
		if err := tx.Set(c.Name, id, diff); err != nil {
			return err
		}
		after, err = tx.Get(c.Name, id)
		if err != nil {
			return err
		}
		for k := range vals {
			if k == "content" && c.HasContent() {
				if _, ok := diff[k]; ok {
					changed[k] = nil
				}
				continue
			}
			if !tracker.Equal(cur.Get(k), after.Get(k)) {
				changed[k] = restJSONValue(c.Prop(k), after.Get(k))
			}
		}
		// Auditors may change more than was asked (Roundup's set
		// returns what changed).
		for _, p := range c.Props {
			if _, ok := changed[p.Name]; !ok && !tracker.Equal(cur.Get(p.Name), after.Get(p.Name)) && q.can("View", c.Name, p.Name, id) {
				changed[p.Name] = restJSONValue(p, after.Get(p.Name))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if _, ok := changed["content"]; ok && after != nil {
		changed["content"] = map[string]any{"link": s.downloadURL(rr, after)}
	}
	return map[string]any{
		"id":        id,
		"type":      c.Name,
		"link":      rr.data + "/" + c.Name + "/" + id,
		"attribute": changed,
	}, nil
}

// restDeleteItem retires an item (rest.py delete_element).
func (s *Site) restDeleteItem(rr *restReq) (any, error) {
	c, it, err := s.restItem(rr)
	if err != nil {
		return nil, err
	}
	if err := s.restRetire(rr, c, it.ID, "retire"); err != nil {
		return nil, err
	}
	return map[string]any{"status": "ok"}, nil
}

// restRetire retires or restores an item after checking the ETag
// (Roundup's actions.Retire/Restore; admin and anonymous cannot be
// retired). Retiring needs Retire permission; restoring needs Restore,
// as on the web (Roundup's REST asks Retire for both).
func (s *Site) restRetire(rr *restReq, c *tracker.Class, id, action string) error {
	q := rr.q
	if action == "retire" && !q.can("Retire", c.Name, "", id) {
		return restErr(http.StatusForbidden, "Permission to retire "+c.Name+" "+id+" denied")
	}
	if action == "restore" && !q.can("Restore", c.Name, "", id) {
		return restErr(http.StatusForbidden, "You do not have permission to retire or restore the "+c.Name+" class.")
	}
	return s.svc.Update(q.ctx, q.uid, func(tx *tracker.Tx) error {
		cur, err := tx.GetForUpdate(c.Name, id)
		if err != nil {
			return err
		}
		if !s.etagMatches(rr, cur) {
			return errPrecondition
		}
		if c.Name == "user" && (cur.Str("username") == "admin" || cur.Str("username") == "anonymous") {
			return restErr(http.StatusConflict, "You may not retire the admin or anonymous user")
		}
		if action == "retire" {
			return tx.Retire(c.Name, id)
		}
		return tx.Restore(c.Name, id)
	})
}

// restValues converts the input's property fields into values of class
// c (rest.py props_from_args and prop_from_arg with hyperdb.rawToHyperdb):
// "@..." fields are skipped; protected properties are skipped when
// skipProtected (PUT, POST), refused otherwise (PATCH); unknown ones are
// 400. Links take ids or keys, Multilinks lists or comma-separated
// values ("+id"/"-id" edit the current value), null or "" unsets.
// Uploaded files are the content of files and messages, their name and
// type filled from the upload when not given.
func (s *Site) restValues(rr *restReq, tx *tracker.Tx, c *tracker.Class, cur *tracker.Item, skipProtected bool) (tracker.Values, error) {
	vals := tracker.Values{}
	seen := false
	for _, f := range rr.in.fields {
		if strings.HasPrefix(f.name, "@") {
			continue
		}
		seen = true
		p := c.Prop(f.name)
		isContent := f.name == "content" && c.HasContent()
		switch {
		case isContent:
		case p == nil:
			return nil, restErr(http.StatusBadRequest, "Property "+f.name+" not found in class "+c.Name)
		case p.Protected || p.Computed:
			if skipProtected {
				continue
			}
			return nil, restErr(http.StatusBadRequest, `"creator", "actor", "creation" and "activity" are reserved`)
		}
		v, err := s.restFieldValue(tx, c, p, f, cur)
		if err != nil {
			return nil, err
		}
		if p != nil && p.Kind == tracker.PasswordKind && strings.HasPrefix(f.value, "[password hidden scheme") {
			continue // a GET's placeholder sent back: not a new password
		}
		vals[f.name] = v
		if f.file != nil && isContent {
			if _, ok := rr.in.get("name"); !ok && c.Prop("name") != nil && f.file.Filename != "" {
				vals["name"] = f.file.Filename
			}
			if _, ok := rr.in.get("type"); !ok && c.Prop("type") != nil {
				if t := f.file.Header.Get("Content-Type"); t != "" {
					vals["type"] = t
				}
			}
		}
	}
	if !seen {
		return nil, restErr(http.StatusBadRequest, "No properties found.")
	}
	return vals, nil
}

// restFieldValue converts one field's value for property p (nil p: the
// content of a file or message).
func (s *Site) restFieldValue(tx *tracker.Tx, c *tracker.Class, p *tracker.Property, f restField, cur *tracker.Item) (any, error) {
	name := f.name
	if f.file != nil {
		fh, err := f.file.Open()
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		b, err := io.ReadAll(fh)
		if err != nil {
			return nil, err
		}
		if p != nil && p.Kind != tracker.String {
			return nil, restErr(http.StatusBadRequest, "property "+name+": an upload can only be the value of a String")
		}
		return string(b), nil
	}
	if f.null {
		if p != nil && p.Kind == tracker.Multilink {
			return []string{}, nil
		}
		return nil, nil
	}
	raw := f.value
	if f.isList {
		if p == nil || p.Kind != tracker.Multilink {
			if len(f.list) != 1 {
				return nil, restErr(http.StatusBadRequest, "property "+name+": a list is only a value of a Multilink")
			}
			raw = f.list[0]
		} else {
			raw = strings.Join(f.list, ",")
		}
	}
	if p == nil {
		return raw, nil
	}
	var curV any
	if cur != nil {
		curV = cur.Values[name]
	}
	return tx.ParseValue(c.Name, name, raw, curV)
}

func atoiStrict(s string) (int, error) {
	s = strings.TrimSpace(s)
	n := 0
	if s == "" {
		return 0, errors.New("empty")
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, errors.New("not a number")
		}
		n = n*10 + int(r-'0')
		if n > 1<<30 {
			return 0, errors.New("too large")
		}
	}
	if neg {
		n = -n
	}
	return n, nil
}
