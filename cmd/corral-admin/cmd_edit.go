package main

import (
	"errors"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// Commands that change items: create, set, retire and restore, and the
// transaction commands commit and rollback. Values are parsed by
// tracker.Tx.ParseValue with Roundup's from_raw rules (links by id or
// key, multilink "+x"/"-x" edits); permission checks, auditors and the
// journal apply as for any other change.

// asUsage turns a bad value or a key clash into a usage error, as
// Roundup turns HyperdbValueError and ValueError into UsageError;
// permission errors and auditor rejections stay plain errors.
func asUsage(err error) error {
	var ve *tracker.ValueError
	if errors.As(err, &ve) || errors.Is(err, tracker.ErrConflict) {
		return usagef("%s", errorText(err))
	}
	return err
}

// checkProps refuses property names the class does not have with
// Roundup's rawToHyperdb wording.
func checkProps(c *tracker.Class, props [][2]string) error {
	for _, kv := range props {
		if c.Prop(strings.TrimSpace(kv[0])) == nil {
			return usagef("'%s' is not a property of %s", kv[0], c.Name)
		}
	}
	return nil
}

// checkKey refuses a key value another active item has, with Roundup's
// wording (`node with key "x" exists`).
func checkKey(tx *tracker.Tx, c *tracker.Class, id string, raw map[string]string) error {
	v, ok := raw[c.KeyProp]
	if c.KeyProp == "" || !ok {
		return nil
	}
	v = strings.TrimSpace(v)
	if other, err := tx.Lookup(c.Name, v); err == nil && other != id {
		return usagef("node with key \"%s\" exists", v)
	}
	return nil
}

// cmdCreate is `create classname property=value ...` (do_create): it
// prints the new item's id. With no properties it asks for each one
// (passwords twice, without echo on a terminal), as Roundup does.
func (a *admin) cmdCreate(args []string) error {
	if len(args) < 1 {
		return errNotEnough()
	}
	c, err := a.class(args[0])
	if err != nil {
		return err
	}
	var props [][2]string
	if len(args) == 1 {
		if props, err = a.askProps(c); err != nil {
			return err
		}
	} else if props, err = propsFromArgs(args[1:]); err != nil {
		return err
	}
	if err := checkProps(c, props); err != nil {
		return err
	}
	raw := map[string]string{}
	for _, kv := range props {
		raw[strings.TrimSpace(kv[0])] = kv[1]
	}
	tx, err := a.writer()
	if err != nil {
		return err
	}
	if err := checkKey(tx, c, "", raw); err != nil {
		return err
	}
	vals, err := tx.ParseValues(c.Name, "", raw)
	if err != nil {
		return asUsage(err)
	}
	if c.KeyProp != "" {
		if _, ok := raw[c.KeyProp]; !ok {
			return usagef("you must provide the \"%s\" property.", c.KeyProp)
		}
	}
	id, err := tx.Create(c.Name, vals)
	if err != nil {
		return asUsage(err)
	}
	a.println(id)
	return nil
}

// askProps prompts for every property of a new item ("Title (String): ",
// "Password (Password): " and "   Password (Again): "); empty answers
// are left out.
func (a *admin) askProps(c *tracker.Class) ([][2]string, error) {
	var out [][2]string
	for _, p := range c.Props {
		if p.Computed {
			continue
		}
		var v string
		var err error
		if p.Kind == tracker.PasswordKind {
			for {
				if v, err = a.promptPassword(capitalize(p.Name) + " (Password): "); err != nil {
					return nil, err
				}
				again, err := a.promptPassword("   " + capitalize(p.Name) + " (Again): ")
				if err != nil {
					return nil, err
				}
				if v == again {
					break
				}
				a.println("Sorry, try again...")
			}
		} else if v, err = a.prompt(capitalize(p.Name) + " (" + p.Kind.String() + "): "); err != nil {
			return nil, err
		}
		if v != "" {
			out = append(out, [2]string{p.Name, v})
		}
	}
	return out, nil
}

// cmdSet is `set items property=value ...` (do_set): items are a
// comma-separated list of designators, or a class name for all its
// active items. An empty value unsets the property; Multilink values
// may add (+x) or remove (-x) entries; a re-added message goes back to
// its place, as multilinks are kept in id order.
func (a *admin) cmdSet(args []string) error {
	if len(args) < 2 {
		return errNotEnough()
	}
	props, err := propsFromArgs(args[1:])
	if err != nil {
		return err
	}
	tx, err := a.writer()
	if err != nil {
		return err
	}
	type target struct{ class, id string }
	var targets []target
	parts := strings.Split(args[0], ",")
	if len(parts) == 1 {
		if cn, id, ok := tracker.SplitDesignator(parts[0]); ok {
			targets = append(targets, target{cn, id})
		} else {
			c, err := a.class(parts[0])
			if err != nil {
				return err
			}
			ids, err := allIDs(tx, c.Name, tracker.ActiveOnly)
			if err != nil {
				return err
			}
			for _, id := range ids {
				targets = append(targets, target{c.Name, id})
			}
		}
	} else {
		for _, d := range parts {
			cn, id, err := splitDesignator(d)
			if err != nil {
				return err
			}
			targets = append(targets, target{cn, id})
		}
	}
	for _, t := range targets {
		c, err := a.class(t.class)
		if err != nil {
			return err
		}
		if err := checkProps(c, props); err != nil {
			return err
		}
		raw := map[string]string{}
		for _, kv := range props {
			raw[strings.TrimSpace(kv[0])] = kv[1]
		}
		if err := checkKey(tx, c, t.id, raw); err != nil {
			return err
		}
		vals, err := tx.ParseValues(c.Name, t.id, raw)
		if errors.Is(err, tracker.ErrNotFound) {
			return usagef("no such %s %s", c.Name, t.id)
		}
		if err != nil {
			return asUsage(err)
		}
		if err := tx.Set(c.Name, t.id, vals); err != nil {
			return asUsage(err)
		}
	}
	return nil
}

// cmdRetire is `retire designator[,designator]*` (do_retire).
func (a *admin) cmdRetire(args []string) error { return a.retireRestore(args, true) }

// cmdRestore is `restore designator[,designator]*` (do_restore); an item
// whose key value was taken meanwhile cannot come back.
func (a *admin) cmdRestore(args []string) error { return a.retireRestore(args, false) }

func (a *admin) retireRestore(args []string, retire bool) error {
	if len(args) < 1 {
		return errNotEnough()
	}
	tx, err := a.writer()
	if err != nil {
		return err
	}
	for _, d := range strings.Split(args[0], ",") {
		cn, id, err := splitDesignator(d)
		if err != nil {
			return err
		}
		c, err := a.class(cn)
		if err != nil {
			return err
		}
		it, err := item(tx, c, id)
		if err != nil {
			return err
		}
		if retire {
			err = tx.Retire(c.Name, id)
		} else {
			if it.Retired && c.KeyProp != "" {
				key := it.Str(c.KeyProp)
				if other, lerr := tx.Lookup(c.Name, key); lerr == nil && other != id {
					return usagef("Key property (%s) of retired node clashes with existing one (%s)", c.KeyProp, key)
				}
			}
			err = tx.Restore(c.Name, id)
		}
		if err != nil {
			return asUsage(err)
		}
	}
	return nil
}

// cmdCommit is `commit` (do_commit).
func (a *admin) cmdCommit([]string) error { return a.commit() }

// cmdRollback is `rollback` (do_rollback).
func (a *admin) cmdRollback([]string) error {
	a.rollback()
	return nil
}
