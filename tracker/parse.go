package tracker

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// ParseValue converts user input (a command-line argument, a form field,
// a mail subject argument) into prop's Go type, following Roundup's
// hyperdb from_raw rules:
//   - String: CRLF/CR become LF (not for content);
//   - Number/Integer: parsed, "property x: 'y' is not a number";
//   - Boolean: yes/true/on/1/checked are true, anything else false;
//   - Date: a date spec (roundup/date.py), Interval: an interval spec;
//   - Password: hashed, unless it already is a "{SCHEME}hash" value;
//   - Link: an id or the target's key value; "" and "-1" unset it;
//   - Multilink: comma-separated ids or keys; "+x"/"-x" entries add to or
//     remove from the current value cur, plain entries replace it.
//
// An empty raw value means "unset" (None) for every type but Multilink,
// where it means the empty list.
func (tx *Tx) ParseValue(class, prop, raw string, cur any) (any, error) {
	c, err := tx.Class(class)
	if err != nil {
		return nil, err
	}
	p := c.Prop(prop)
	if p == nil {
		return nil, &ValueError{Class: class, Prop: prop, Msg: fmt.Sprintf("%s is not a property of %s", PyRepr(prop), class)}
	}
	if p.Kind != String || prop != "content" {
		raw = strings.TrimSpace(raw)
	}
	verr := func(format string, args ...any) error {
		return &ValueError{Class: class, Prop: prop, Msg: "property " + prop + ": " + fmt.Sprintf(format, args...)}
	}
	if raw == "" && p.Kind != Multilink {
		return nil, nil
	}
	switch p.Kind {
	case String:
		if prop == "content" {
			return raw, nil
		}
		return fixNewlines(raw), nil
	case Number:
		f, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return nil, verr("%s is not a number", PyRepr(raw))
		}
		return f, nil
	case Integer:
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return nil, verr("%s is not an integer", PyRepr(raw))
		}
		return n, nil
	case Boolean:
		switch strings.ToLower(raw) {
		case "checked", "yes", "true", "on", "1":
			return true, nil
		}
		return false, nil
	case Date:
		t, err := ParseDate(raw, tx.s.Now())
		if err != nil {
			return nil, verr("%s is an invalid date (%v)", PyRepr(raw), err)
		}
		return t, nil
	case IntervalKind:
		iv, err := ParseInterval(raw)
		if err != nil {
			return nil, verr("%s is an invalid date interval (%v)", PyRepr(raw), err)
		}
		return iv, nil
	case PasswordKind:
		if hashedRE.MatchString(raw) {
			return Password(raw), nil
		}
		return HashPassword(raw, tx.s.opts.PasswordRounds)
	case Link:
		if raw == "-1" {
			return nil, nil
		}
		return tx.linkValue(c, p, raw)
	case Multilink:
		return tx.multilinkValue(c, p, raw, asIDs(cur))
	}
	return nil, verr("cannot parse %s values", p.Kind)
}

var hashedRE = regexp.MustCompile(`^\{(PBKDF2S5|PBKDF2|SSHA|SHA|MD5|plaintext|crypt)\}.+`)

func fixNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// linkValue resolves an id or key value to an id (Roundup's
// convertLinkValue): digits are an id, anything else is looked up by the
// target class's key.
func (tx *Tx) linkValue(c *Class, p *Property, raw string) (string, error) {
	if ValidID(raw) {
		return raw, nil
	}
	tc := tx.s.Schema.Class(p.Class)
	if tc.KeyProp == "" {
		return "", &ValueError{Class: c.Name, Prop: p.Name, Msg: "you may only enter ID values for property " + p.Name}
	}
	id, err := tx.st.Lookup(tx.ctx, tc, raw)
	if errors.Is(err, ErrNotFound) {
		return "", &ValueError{Class: c.Name, Prop: p.Name, Msg: fmt.Sprintf("property %s: %s is not a %s.", p.Name, PyRepr(raw), p.Class)}
	}
	return id, err
}

func (tx *Tx) multilinkValue(c *Class, p *Property, raw string, cur []string) ([]string, error) {
	cur = append([]string(nil), cur...)
	doSet := true
	var newv []string
	for _, item := range strings.Split(raw, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		remove := false
		switch item[0] {
		case '-':
			remove, doSet = true, false
			item = strings.TrimSpace(item[1:])
		case '+':
			doSet = false
			item = strings.TrimSpace(item[1:])
		}
		id, err := tx.linkValue(c, p, item)
		if err != nil {
			return nil, err
		}
		if remove {
			for i, x := range cur {
				if x == id {
					cur = append(cur[:i], cur[i+1:]...)
					break
				}
			}
			continue
		}
		newv = append(newv, id)
		found := false
		for _, x := range cur {
			if x == id {
				found = true
				break
			}
		}
		if !found {
			cur = append(cur, id)
		}
	}
	out := cur
	if doSet {
		out = newv
	}
	if out == nil {
		out = []string{}
	}
	SortIDs(out)
	return out, nil
}

// ParseValues converts several raw values for one item (id "" for a new
// one) into Values, applying Multilink edits to the current values. In a
// write transaction the item is read locked, so "+msg" edits from
// concurrent transactions never overwrite each other.
func (tx *Tx) ParseValues(class, id string, raw map[string]string) (Values, error) {
	var cur *Item
	if id != "" {
		var it *Item
		var err error
		if tx.write {
			it, err = tx.GetForUpdate(class, id)
		} else {
			it, err = tx.Get(class, id)
		}
		if err != nil {
			return nil, err
		}
		cur = it
	}
	out := Values{}
	for k, r := range raw {
		var cv any
		if cur != nil {
			cv = cur.Values[k]
		}
		v, err := tx.ParseValue(class, k, r, cv)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

// Coerce converts a Go literal (from initial_data.py, an import, JSON)
// into prop's type: strings go through ParseValue; ints and floats become
// Number/Integer; lists become Multilinks.
func (tx *Tx) Coerce(class, prop string, v any) (any, error) {
	c, err := tx.Class(class)
	if err != nil {
		return nil, err
	}
	p := c.Prop(prop)
	if p == nil {
		return nil, &ValueError{Class: class, Prop: prop, Msg: fmt.Sprintf("%s is not a property of %s", PyRepr(prop), class)}
	}
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return tx.ParseValue(class, prop, x, nil)
	case int64:
		switch p.Kind {
		case Number:
			return float64(x), nil
		case Integer:
			return x, nil
		case Boolean:
			return x != 0, nil
		}
		return tx.ParseValue(class, prop, strconv.FormatInt(x, 10), nil)
	case int:
		return tx.Coerce(class, prop, int64(x))
	case float64:
		if p.Kind == Number {
			return x, nil
		}
		return tx.ParseValue(class, prop, strconv.FormatFloat(x, 'f', -1, 64), nil)
	case bool:
		if p.Kind == Boolean {
			return x, nil
		}
	case []any:
		if p.Kind == Multilink {
			parts := make([]string, 0, len(x))
			for _, e := range x {
				parts = append(parts, fmt.Sprint(e))
			}
			return tx.ParseValue(class, prop, strings.Join(parts, ","), nil)
		}
	case []string:
		if p.Kind == Multilink {
			return tx.ParseValue(class, prop, strings.Join(x, ","), nil)
		}
	}
	return nil, &ValueError{Class: class, Prop: prop, Msg: fmt.Sprintf("property %s: value %v (%T) does not fit a %s", prop, v, v, p.Kind)}
}
