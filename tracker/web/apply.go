package web

import (
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// applyForm writes a parsed form in tx (one transaction: all or
// nothing) and returns the context item's id. New items are created
// first — files, then messages, then others — so the context and other
// items can link them, as Roundup's EditAction does.
func (s *Site) applyForm(tx *tracker.Tx, pf *parsedForm) (string, error) {
	// Roundup's web actions let only holders of "Web Roles" change a
	// user's roles, whatever Edit permission says.
	for _, it := range append(append([]*formItem{pf.Context}, pf.Others...), pf.New...) {
		if _, ok := it.Props["roles"]; ok && it.Class == "user" && !tx.Can("Web Roles", "", "", "") {
			return "", &tracker.PermissionError{User: tx.UserID(), Permission: "Edit", Class: "user", Prop: "roles", ItemID: it.ID}
		}
	}
	created := map[string]string{} // "msg-1" -> id
	order := func(it *formItem) int {
		switch it.Class {
		case "file":
			return 0
		case "msg":
			return 1
		}
		return 2
	}
	news := append([]*formItem(nil), pf.New...)
	for pass := 0; pass < 3; pass++ {
		for _, it := range news {
			if order(it) != pass {
				continue
			}
			raw := map[string]string{}
			for k, v := range it.Props {
				raw[k] = v
			}
			if it.Upload != nil {
				content, name, typ, err := readUpload(it.Upload)
				if err != nil {
					return "", err
				}
				raw["content"] = content
				if _, ok := raw["name"]; !ok {
					raw["name"] = name
				}
				if _, ok := raw["type"]; !ok {
					raw["type"] = typ
				}
			}
			if it.Class == "msg" {
				if _, ok := raw["author"]; !ok {
					raw["author"] = tx.UserID()
				}
				if _, ok := raw["date"]; !ok && s.svc.Schema.Class("msg").Prop("date") != nil {
					raw["date"] = "."
				}
			}
			if strings.TrimSpace(raw["content"]) == "" && s.svc.Schema.Class(it.Class).HasContent() && it.Upload == nil {
				continue // an empty note or file field: nothing to create
			}
			linkNew(it, raw, created)
			vals, err := tx.ParseValues(it.Class, "", raw)
			if err != nil {
				return "", err
			}
			id, err := tx.Create(it.Class, vals)
			if err != nil {
				return "", err
			}
			created[it.Class+it.ID] = id
		}
	}
	if pf.NoContext {
		return "", s.applyOthers(tx, pf, created)
	}
	ctx := pf.Context
	raw := map[string]string{}
	for k, v := range ctx.Props {
		raw[k] = v
	}
	if !linkNew(ctx, raw, created) && len(raw) == 0 && ctx.ID != "" {
		return ctx.ID, s.applyOthers(tx, pf, created)
	}
	for _, r := range pf.Required {
		val, ok := raw[r]
		if !ok && ctx.ID != "" {
			if it, err := tx.Get(ctx.Class, ctx.ID); err == nil && it.Get(r) != nil {
				continue
			}
		}
		if strings.TrimSpace(val) == "" {
			return "", &tracker.ValueError{Class: ctx.Class, Prop: r, Msg: fmt.Sprintf("Required %s property %s not supplied", ctx.Class, r)}
		}
	}
	vals, err := tx.ParseValues(ctx.Class, ctx.ID, raw)
	if err != nil {
		return "", err
	}
	id := ctx.ID
	if id == "" {
		if id, err = tx.Create(ctx.Class, vals); err != nil {
			return "", err
		}
	} else if err := tx.Set(ctx.Class, id, vals); err != nil {
		return "", err
	}
	return id, s.applyOthers(tx, pf, created)
}

func (s *Site) applyOthers(tx *tracker.Tx, pf *parsedForm, created map[string]string) error {
	for _, it := range pf.Others {
		raw := map[string]string{}
		for k, v := range it.Props {
			raw[k] = v
		}
		linkNew(it, raw, created)
		if len(raw) == 0 {
			continue
		}
		vals, err := tx.ParseValues(it.Class, it.ID, raw)
		if err != nil {
			return fmt.Errorf("%s%s: %w", it.Class, it.ID, err)
		}
		if err := tx.Set(it.Class, it.ID, vals); err != nil {
			return err
		}
	}
	return nil
}

// linkNew folds @link@, @add@ and @remove@ into raw values ("+id",
// "-id" edits for Multilinks), resolving new-item references; it
// reports whether it added anything.
func linkNew(it *formItem, raw map[string]string, created map[string]string) bool {
	added := false
	resolve := func(ref string) (string, bool) {
		if m := newItemRE.FindStringSubmatch(ref); m != nil {
			id, ok := created[m[1]+"-"+m[2]]
			return id, ok
		}
		if _, id, ok := tracker.SplitDesignator(ref); ok {
			return id, true
		}
		return ref, true
	}
	edit := func(prop, sign string, refs []string) {
		var parts []string
		for _, r := range refs {
			if id, ok := resolve(r); ok {
				parts = append(parts, sign+id)
			}
		}
		if len(parts) == 0 {
			return
		}
		added = true
		if cur, ok := raw[prop]; ok && cur != "" {
			raw[prop] = cur + "," + strings.Join(parts, ",")
		} else {
			raw[prop] = strings.Join(parts, ",")
		}
	}
	for prop, refs := range it.Links {
		edit(prop, "+", refs)
	}
	for prop, refs := range it.Adds {
		edit(prop, "+", refs)
	}
	for prop, refs := range it.Removes {
		edit(prop, "-", refs)
	}
	return added
}

// maxUpload bounds an uploaded file (Roundup has no limit; 32 MiB).
const maxUpload = 32 << 20

// readUpload reads an uploaded file: content, its base name, and a type
// (the browser's, else guessed from the name, else octet-stream).
func readUpload(fh *multipart.FileHeader) (string, string, string, error) {
	if fh.Size > maxUpload {
		return "", "", "", errStatus(http.StatusRequestEntityTooLarge, fmt.Sprintf("file %s is larger than %d MiB", fh.Filename, maxUpload>>20))
	}
	f, err := fh.Open()
	if err != nil {
		return "", "", "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxUpload+1))
	if err != nil {
		return "", "", "", err
	}
	name := path.Base(strings.ReplaceAll(fh.Filename, "\\", "/"))
	typ := fh.Header.Get("Content-Type")
	if typ == "" || typ == "application/octet-stream" {
		if t := mime.TypeByExtension(path.Ext(name)); t != "" {
			typ = t
		} else if typ == "" {
			typ = "application/octet-stream"
		}
	}
	if i := strings.IndexByte(typ, ';'); i >= 0 {
		typ = strings.TrimSpace(typ[:i])
	}
	return string(b), name, typ, nil
}
