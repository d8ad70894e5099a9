package tracker

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Create makes a new item of class with vals and returns its id. As in
// Roundup's Class.create: permissions (Create on the class and on each
// given property), auditors, defaults and required properties, key
// uniqueness and link targets are checked; the item, its journal, the
// link entries on linked items and the full-text index are written; then
// reactors run.
func (tx *Tx) Create(class string, vals Values) (string, error) {
	c, err := tx.Class(class)
	if err != nil {
		return "", err
	}
	if !tx.write {
		return "", errors.New("create in a read-only transaction")
	}
	if tx.sys == 0 {
		if !tx.Can("Create", class, "", "") {
			return "", &PermissionError{User: tx.userID, Permission: "Create", Class: class}
		}
		for p := range vals {
			if !tx.Can("Create", class, p, "") {
				return "", &PermissionError{User: tx.userID, Permission: "Create", Class: class, Prop: p}
			}
		}
	}
	nv, err := tx.normalize(c, vals)
	if err != nil {
		return "", err
	}
	ch := &Change{Class: c, Action: "create", New: nv}
	if err := tx.runHooks(tx.s.hooks.auditors, ch); err != nil {
		return "", err
	}
	if nv, err = tx.normalize(c, ch.New); err != nil {
		return "", err
	}
	for _, p := range c.Props {
		if _, ok := nv[p.Name]; !ok && p.Default != nil && !p.Computed {
			nv[p.Name] = p.Default
		}
	}
	for _, p := range c.Props {
		if p.Required && isEmpty(nv[p.Name]) {
			return "", &ValueError{Class: c.Name, Prop: p.Name, Msg: "Required property " + p.Name + " not supplied"}
		}
	}
	if err := tx.checkKey(c, "", nv); err != nil {
		return "", err
	}
	if err := tx.checkTargets(c, nv); err != nil {
		return "", err
	}
	now := tx.s.Now()
	var content []byte
	if c.HasContent() {
		s, _ := nv["content"].(string)
		content = []byte(s)
	}
	it := &Item{Class: c, Values: Values{}, Creation: now, Activity: now, Creator: tx.userID, Actor: tx.userID}
	for k, v := range nv {
		if k != "content" && v != nil {
			it.Values[k] = v
		}
	}
	id, err := tx.st.Insert(tx.ctx, it, content)
	if err != nil {
		return "", err
	}
	it.ID = id
	tx.changed = true
	tx.cache[c.Name+id] = it
	var entries []JournalEntry
	if !c.NoJournal {
		entries = append(entries, JournalEntry{Class: c.Name, ItemID: id, Date: now, User: tx.userID, Action: ActCreate})
	}
	for k, v := range nv {
		p := c.Prop(k)
		if p.Kind.IsLink() {
			entries = tx.linkEntries(entries, c, id, p, nil, v, now)
		}
	}
	if err := tx.st.AddJournal(tx.ctx, entries...); err != nil {
		return "", err
	}
	if err := tx.index(c, id, nv); err != nil {
		return "", err
	}
	ch.ID = id
	ch.New = nv
	if err := tx.runHooks(tx.s.hooks.reactors, ch); err != nil {
		return "", err
	}
	return id, nil
}

// Set changes properties of an item (Roundup's Class.set): only values
// that differ from the stored ones count as changes; Edit permission is
// checked per changed property on the item; auditors see all given values
// and may adjust them or veto; the journal records the old values and
// multilink deltas; nothing is written (and activity is not touched) when
// nothing changes.
func (tx *Tx) Set(class, id string, vals Values) error {
	c, err := tx.Class(class)
	if err != nil {
		return err
	}
	if !tx.write {
		return errors.New("set in a read-only transaction")
	}
	old, err := tx.getLocked(c, id)
	if err != nil {
		return err
	}
	nv, err := tx.normalize(c, vals)
	if err != nil {
		return err
	}
	diff, err := tx.diff(c, old, nv)
	if err != nil {
		return err
	}
	if tx.sys == 0 {
		for p := range diff {
			if !tx.Can("Edit", class, p, id) {
				return &PermissionError{User: tx.userID, Permission: "Edit", Class: class, Prop: p, ItemID: id}
			}
		}
	}
	if len(diff) == 0 {
		return nil
	}
	// Auditors see every value the caller gave, changed or not, as
	// Roundup's fireAuditors('set') does before set_inner drops the
	// unchanged ones: "[status=pending]" on a pending issue is explicit.
	ch := &Change{Class: c, ID: id, Action: "set", New: nv, Old: old}
	if err := tx.runHooks(tx.s.hooks.auditors, ch); err != nil {
		return err
	}
	if nv, err = tx.normalize(c, ch.New); err != nil {
		return err
	}
	if diff, err = tx.diff(c, old, nv); err != nil {
		return err
	}
	if len(diff) == 0 {
		return nil
	}
	for k, v := range diff {
		if p := c.Prop(k); p.Required && isEmpty(v) {
			return &ValueError{Class: c.Name, Prop: k, Msg: "property " + k + " is required and cannot be emptied"}
		}
	}
	if err := tx.checkKey(c, id, diff); err != nil {
		return err
	}
	if err := tx.checkTargets(c, diff); err != nil {
		return err
	}
	now := tx.s.Now()
	stored := Values{}
	for k, v := range diff {
		if k == "content" {
			s, _ := v.(string)
			if err := tx.st.SetContent(tx.ctx, c, id, []byte(s)); err != nil {
				return err
			}
			continue
		}
		stored[k] = v
	}
	if err := tx.st.Update(tx.ctx, c, id, stored, now, tx.userID); err != nil {
		return err
	}
	tx.changed = true
	params := JournalParams{}
	var entries []JournalEntry
	for k, v := range diff {
		p := c.Prop(k)
		ov := old.Values[k]
		if p.Kind == Multilink {
			add, rem := delta(asIDs(ov), asIDs(v))
			if len(add) > 0 {
				if params.Added == nil {
					params.Added = map[string][]string{}
				}
				params.Added[k] = add
			}
			if len(rem) > 0 {
				if params.Removed == nil {
					params.Removed = map[string][]string{}
				}
				params.Removed[k] = rem
			}
		} else if k != "content" {
			if params.Old == nil {
				params.Old = Values{}
			}
			if pw, ok := ov.(Password); ok {
				ov = pw.JournalString()
			}
			params.Old[k] = ov
		}
		if p.Kind.IsLink() {
			entries = tx.linkEntries(entries, c, id, p, ov, v, now)
		}
	}
	if !c.NoJournal {
		entries = append([]JournalEntry{{Class: c.Name, ItemID: id, Date: now, User: tx.userID, Action: ActSet, Params: params}}, entries...)
	}
	if err := tx.st.AddJournal(tx.ctx, entries...); err != nil {
		return err
	}
	if err := tx.index(c, id, diff); err != nil {
		return err
	}
	upd := old.Clone()
	for k, v := range stored {
		if v == nil {
			delete(upd.Values, k)
		} else {
			upd.Values[k] = v
		}
	}
	upd.Activity, upd.Actor = now, tx.userID
	tx.cache[c.Name+id] = upd
	ch.New = diff
	return tx.runHooks(tx.s.hooks.reactors, ch)
}

// Retire hides an item from lists and filters and frees its key value;
// it stays reachable by designator (Roundup's Class.retire).
func (tx *Tx) Retire(class, id string) error { return tx.setRetired(class, id, true) }

// Restore undoes Retire; it fails when the key value was reused.
func (tx *Tx) Restore(class, id string) error { return tx.setRetired(class, id, false) }

func (tx *Tx) setRetired(class, id string, retire bool) error {
	c, err := tx.Class(class)
	if err != nil {
		return err
	}
	if !tx.write {
		return errors.New("retire/restore in a read-only transaction")
	}
	perm, action, jaction := "Retire", "retire", ActRetired
	if !retire {
		perm, action, jaction = "Restore", "restore", ActRestored
	}
	old, err := tx.getLocked(c, id)
	if err != nil {
		return err
	}
	if tx.sys == 0 && !tx.Can(perm, class, "", id) {
		return &PermissionError{User: tx.userID, Permission: perm, Class: class, ItemID: id}
	}
	if old.Retired == retire {
		return nil
	}
	ch := &Change{Class: c, ID: id, Action: action, New: Values{}, Old: old}
	if err := tx.runHooks(tx.s.hooks.auditors, ch); err != nil {
		return err
	}
	if !retire && c.KeyProp != "" {
		key := old.Str(c.KeyProp)
		if other, err := tx.st.Lookup(tx.ctx, c, key); err == nil && other != id {
			return fmt.Errorf("%w: key property %s of retired %s%s clashes with existing %s%s (%s)",
				ErrConflict, c.KeyProp, c.Name, id, c.Name, other, key)
		}
	}
	now := tx.s.Now()
	if err := tx.st.SetRetired(tx.ctx, c, id, retire); err != nil {
		return err
	}
	tx.changed = true
	if !c.NoJournal {
		if err := tx.st.AddJournal(tx.ctx, JournalEntry{Class: c.Name, ItemID: id, Date: now, User: tx.userID, Action: jaction}); err != nil {
			return err
		}
	}
	upd := old.Clone()
	upd.Retired = retire
	tx.cache[c.Name+id] = upd
	return tx.runHooks(tx.s.hooks.reactors, ch)
}

// normalize copies vals, rejecting unknown and automatic properties and
// values of the wrong Go type.
func (tx *Tx) normalize(c *Class, vals Values) (Values, error) {
	out := make(Values, len(vals))
	for k, v := range vals {
		p := c.Prop(k)
		if p == nil {
			return nil, &ValueError{Class: c.Name, Prop: k, Msg: fmt.Sprintf("%s is not a property of %s", PyRepr(k), c.Name)}
		}
		if p.Protected {
			return nil, &ValueError{Class: c.Name, Prop: k, Msg: "property " + k + ": is set automatically and cannot be changed"}
		}
		if p.Computed {
			return nil, &ValueError{Class: c.Name, Prop: k, Msg: "property " + k + ": is computed from " + p.Reverse + " and cannot be set"}
		}
		if b, ok := v.([]byte); ok && k == "content" {
			v = string(b)
		}
		nv, err := checkType(c, p, v)
		if err != nil {
			return nil, err
		}
		out[k] = nv
	}
	return out, nil
}

// diff keeps the values that differ from the item's current ones.
func (tx *Tx) diff(c *Class, old *Item, nv Values) (Values, error) {
	out := Values{}
	for k, v := range nv {
		if k == "content" {
			cur, err := tx.st.Content(tx.ctx, c, old.ID)
			if err != nil {
				return nil, err
			}
			if s, _ := v.(string); s != string(cur) {
				out[k] = v
			}
			continue
		}
		if !Equal(old.Values[k], v) {
			out[k] = v
		}
	}
	return out, nil
}

func (tx *Tx) runHooks(m map[hookKey][]hook, ch *Change) error {
	list := tx.s.hooks.list(m, ch.Class.Name, ch.Action)
	if len(list) == 0 {
		return nil
	}
	tx.sys++
	defer func() { tx.sys-- }()
	for _, h := range list {
		if err := h.fn(tx, ch); err != nil {
			var rej *Reject
			if errors.As(err, &rej) {
				return err
			}
			return fmt.Errorf("detector %s: %w", h.name, err)
		}
	}
	return nil
}

func (tx *Tx) checkKey(c *Class, id string, vals Values) error {
	if c.KeyProp == "" {
		return nil
	}
	v, ok := vals[c.KeyProp]
	if !ok {
		return nil
	}
	key, _ := v.(string)
	if key == "" {
		return &ValueError{Class: c.Name, Prop: c.KeyProp, Msg: "key property " + c.KeyProp + " must not be empty"}
	}
	if other, err := tx.st.Lookup(tx.ctx, c, key); err == nil && other != id {
		return fmt.Errorf("%w: %s %q is already used by %s%s", ErrConflict, c.KeyProp, key, c.Name, other)
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	return nil
}

// checkTargets verifies that linked items exist (Roundup raises
// IndexError "class has no node id").
func (tx *Tx) checkTargets(c *Class, vals Values) error {
	for k, v := range vals {
		p := c.Prop(k)
		if !p.Kind.IsLink() || v == nil {
			continue
		}
		ids := asIDs(v)
		if len(ids) == 0 {
			continue
		}
		var missing []string
		for _, id := range ids {
			if it := tx.cache[p.Class+id]; it != nil {
				continue
			}
			missing = append(missing, id)
		}
		if len(missing) == 0 {
			continue
		}
		tc := tx.s.Schema.Class(p.Class)
		found, _, err := tx.st.Filter(tx.ctx, tc, &Query{Retired: AnyRetired,
			Conds: []Cond{{Path: []*Property{tc.Prop("id")}, Op: OpIDs, IDs: missing}}})
		if err != nil {
			return err
		}
		if len(found) != len(missing) {
			have := map[string]bool{}
			for _, f := range found {
				have[f] = true
			}
			for _, m := range missing {
				if !have[m] {
					return &ValueError{Class: c.Name, Prop: k, Msg: fmt.Sprintf("property %s: %s has no node %s", k, p.Class, m)}
				}
			}
		}
	}
	return nil
}

// linkEntries appends Roundup's link/unlink journal entries written on
// the items a Link/Multilink gains or loses (unless do_journal='no').
func (tx *Tx) linkEntries(entries []JournalEntry, c *Class, id string, p *Property, oldV, newV any, now time.Time) []JournalEntry {
	if p.NoJournal {
		return entries
	}
	tc := tx.s.Schema.Class(p.Class)
	if tc == nil || tc.NoJournal {
		return entries
	}
	add, rem := delta(asIDs(oldV), asIDs(newV))
	for _, t := range add {
		entries = append(entries, JournalEntry{Class: p.Class, ItemID: t, Date: now, User: tx.userID, Action: ActLink,
			Params: JournalParams{LinkClass: c.Name, LinkID: id, LinkProp: p.Name}})
	}
	for _, t := range rem {
		entries = append(entries, JournalEntry{Class: p.Class, ItemID: t, Date: now, User: tx.userID, Action: ActUnlink,
			Params: JournalParams{LinkClass: c.Name, LinkID: id, LinkProp: p.Name}})
	}
	return entries
}

// index updates the full-text index for indexed String properties and
// text content among vals.
func (tx *Tx) index(c *Class, id string, vals Values) error {
	for k, v := range vals {
		p := c.Prop(k)
		if p.Kind != String || !p.Indexme {
			continue
		}
		s, _ := v.(string)
		if k == "content" && !tx.indexableContent(c, id, vals, s) {
			continue
		}
		if err := tx.st.Index(tx.ctx, c, id, k, s); err != nil {
			return err
		}
	}
	return nil
}

// indexableContent: Roundup indexes file content only when it is text.
func (tx *Tx) indexableContent(c *Class, id string, vals Values, s string) bool {
	typ, ok := vals["type"].(string)
	if !ok {
		if it := tx.cache[c.Name+id]; it != nil {
			typ = it.Str("type")
		}
	}
	if typ != "" && !strings.HasPrefix(typ, "text/") {
		return false
	}
	return utf8.ValidString(s)
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []string:
		return len(x) == 0
	}
	return false
}

func asIDs(v any) []string {
	switch x := v.(type) {
	case string:
		if x == "" {
			return nil
		}
		return []string{x}
	case []string:
		return x
	}
	return nil
}

// delta returns the ids in b not in a (added) and in a not in b (removed).
func delta(a, b []string) (added, removed []string) {
	in := func(l []string, s string) bool {
		for _, x := range l {
			if x == s {
				return true
			}
		}
		return false
	}
	for _, x := range b {
		if !in(a, x) {
			added = append(added, x)
		}
	}
	for _, x := range a {
		if !in(b, x) {
			removed = append(removed, x)
		}
	}
	return added, removed
}
