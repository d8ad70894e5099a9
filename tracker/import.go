package tracker

import (
	"errors"
	"fmt"
)

// Import support for `corral-admin import` (Roundup's export format) and
// other bulk loads: items are stored exactly as given — their ids,
// automatic properties and retired flag — without permission checks,
// auditors, reactors or journal entries (the journal is imported as it
// was). Only an Admin may import.

func (tx *Tx) checkImport() error {
	if !tx.write {
		return errors.New("import in a read-only transaction")
	}
	if !tx.HasRole("admin") {
		return &PermissionError{User: tx.userID, Permission: "Import"}
	}
	return nil
}

// ImportItem stores it (Class, ID, Values, Creation, Activity, Creator,
// Actor, Retired) and its content, and indexes its text.
func (tx *Tx) ImportItem(it *Item, content []byte) error {
	if err := tx.checkImport(); err != nil {
		return err
	}
	c := it.Class
	vals, err := tx.normalize(c, it.Values)
	if err != nil {
		return fmt.Errorf("importing %s%s: %w", c.Name, it.ID, err)
	}
	cp := *it
	cp.Values = Values{}
	for k, v := range vals {
		if v != nil && k != "content" {
			cp.Values[k] = v
		}
	}
	if _, err := tx.st.Insert(tx.ctx, &cp, content); err != nil {
		return fmt.Errorf("importing %s%s: %w", c.Name, it.ID, err)
	}
	tx.changed = true
	if c.HasContent() {
		vals["content"] = string(content)
	}
	return tx.index(c, it.ID, vals)
}

// ImportJournal appends journal entries as they were.
func (tx *Tx) ImportJournal(entries ...JournalEntry) error {
	if err := tx.checkImport(); err != nil {
		return err
	}
	return tx.st.AddJournal(tx.ctx, entries...)
}

// FinishImport makes new ids of class continue after the imported ones.
func (tx *Tx) FinishImport(class string) error {
	if err := tx.checkImport(); err != nil {
		return err
	}
	c, err := tx.Class(class)
	if err != nil {
		return err
	}
	return tx.st.ResetSequence(tx.ctx, c)
}

// JournalClass returns every journal entry of a class (export).
func (tx *Tx) JournalClass(class string) ([]JournalEntry, error) {
	c, err := tx.Class(class)
	if err != nil {
		return nil, err
	}
	return tx.st.JournalClass(tx.ctx, c)
}

// Reindex rebuilds the full-text index entries of one item from its
// indexed String properties and (text) content — `roundup-admin
// reindex`. Only an Admin may reindex.
func (tx *Tx) Reindex(class, id string) error {
	if err := tx.checkImport(); err != nil {
		return err
	}
	c, err := tx.Class(class)
	if err != nil {
		return err
	}
	it, err := tx.getRaw(c, id)
	if err != nil {
		return err
	}
	vals := Values{}
	for _, p := range c.Props {
		if p.Kind == String && p.Indexme && p.Name != "content" {
			vals[p.Name], _ = it.Values[p.Name].(string)
		}
	}
	if c.HasContent() {
		b, err := tx.st.Content(tx.ctx, c, id)
		if err != nil {
			return err
		}
		vals["content"] = string(b)
		if t, ok := it.Values["type"]; ok {
			vals["type"] = t
		}
	}
	return tx.index(c, id, vals)
}
