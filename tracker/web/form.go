package web

import (
	"fmt"
	"mime/multipart"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// The Roundup form syntax (roundup/cgi/form_parser.py, doc/reference.txt
// "Special form variables"):
//
//	prop=value               a property of the context item
//	issue42@prop=value       a property of another item (batch edit)
//	msg-1@prop=value         a property of new item 1 of class msg
//	@note=text               shorthand: new msg-1 with that content,
//	                         linked to the context's messages
//	@file (upload)           shorthand: new file-1 linked to files
//	@link@prop=designator    link an item into a Link/Multilink
//	@add@prop=ids            add members to a Multilink
//	@remove@prop=ids         remove members from a Multilink
//	@required=a,b            properties that must have a value
//	@lastactivity=DATE       edit-collision detection
//
// ':' works instead of '@' (Roundup's older spelling). Other @-variables
// (@action, @csrf, @template, ...) steer the request and are ignored here.

// formItem is one item the form touches.
type formItem struct {
	Class string
	// ID is an existing id, "" for the context item being created, or
	// "-N" for new item N of the class.
	ID      string
	Props   map[string]string
	Adds    map[string][]string
	Removes map[string][]string
	// Links are @link@prop=designator values: prop gets the item.
	Links map[string][]string
	// Upload is the file uploaded for a FileClass item's content.
	Upload *multipart.FileHeader
}

// parsedForm is a whole submission.
type parsedForm struct {
	Context  *formItem
	Others   []*formItem // existing items by designator, in name order
	New      []*formItem // new items (class-N), in name order
	Required []string
	// LastActivity is the @lastactivity value, "" when absent.
	LastActivity string
	// NoContext: the form was posted to a class, not an item (batch
	// edit): only the items it names are changed (actEditMany).
	NoContext bool
}

var (
	newItemRE    = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)-([0-9]+)$`)
	designatorRE = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*?)([0-9]+)$`)
)

func special(k string) (string, bool) {
	if strings.HasPrefix(k, "@") || strings.HasPrefix(k, ":") {
		return k[1:], true
	}
	return k, false
}

// parseForm reads a submission for the context class/id (id "" = new).
func parseForm(schema *tracker.Schema, class, id string, vals url.Values, files map[string][]*multipart.FileHeader) (*parsedForm, error) {
	pf := &parsedForm{Context: newFormItem(class, id)}
	others := map[string]*formItem{}
	news := map[string]*formItem{}
	get := func(cls, ident string) (*formItem, error) {
		if schema.Class(cls) == nil {
			return nil, fmt.Errorf("no such class %q", cls)
		}
		if strings.HasPrefix(ident, "-") {
			k := cls + ident
			if news[k] == nil {
				news[k] = newFormItem(cls, ident)
			}
			return news[k], nil
		}
		if cls == class && ident == id {
			return pf.Context, nil
		}
		k := cls + ident
		if others[k] == nil {
			others[k] = newFormItem(cls, ident)
		}
		return others[k], nil
	}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		values := vals[key]
		value := ""
		if len(values) > 0 {
			value = values[len(values)-1]
		}
		target := pf.Context
		name := key
		if pre, prop, ok := strings.Cut(key, "@"); ok && pre != "" {
			// issue42@prop, msg-1@prop, issue42@add@prop
			var err error
			if m := newItemRE.FindStringSubmatch(pre); m != nil {
				target, err = get(m[1], "-"+m[2])
			} else if m := designatorRE.FindStringSubmatch(pre); m != nil {
				target, err = get(m[1], strings.TrimLeft(m[2], "0"))
			} else {
				continue
			}
			if err != nil {
				return nil, err
			}
			name = prop
			if !strings.HasPrefix(name, "add@") && !strings.HasPrefix(name, "remove@") && !strings.HasPrefix(name, "link@") {
				// Multi-selects post several values (and an empty
				// one to allow clearing), as for the context item.
				target.Props[name] = joinMulti(values)
				continue
			}
			name = "@" + name
		}
		sp, isSpecial := special(name)
		if !isSpecial {
			target.Props[name] = joinMulti(values)
			continue
		}
		switch {
		case sp == "note":
			if strings.TrimSpace(value) != "" {
				msg, _ := get("msg", "-1")
				msg.Props["content"] = value
				pf.Context.Links["messages"] = append(pf.Context.Links["messages"], "msg-1")
			}
		case sp == "required":
			for _, r := range strings.Split(value, ",") {
				if r = strings.TrimSpace(r); r != "" {
					pf.Required = append(pf.Required, r)
				}
			}
		case sp == "lastactivity":
			pf.LastActivity = value
		case strings.HasPrefix(sp, "add@"):
			target.Adds[sp[4:]] = append(target.Adds[sp[4:]], splitList(values)...)
		case strings.HasPrefix(sp, "remove@"):
			target.Removes[sp[7:]] = append(target.Removes[sp[7:]], splitList(values)...)
		case strings.HasPrefix(sp, "link@"):
			target.Links[sp[5:]] = append(target.Links[sp[5:]], splitList(values)...)
		}
	}
	// Uploads: @file (shorthand) and CLASS-N@content file fields.
	for key, fhs := range files {
		if len(fhs) == 0 || fhs[0].Size == 0 && fhs[0].Filename == "" {
			continue
		}
		sp, _ := special(key)
		switch {
		case sp == "file":
			f, _ := get("file", "-1")
			f.Upload = fhs[0]
			pf.Context.Links["files"] = append(pf.Context.Links["files"], "file-1")
			if m := news["msg-1"]; m != nil {
				m.Links["files"] = append(m.Links["files"], "file-1")
			}
		default:
			pre, prop, ok := strings.Cut(key, "@")
			if !ok || prop != "content" {
				continue
			}
			if m := newItemRE.FindStringSubmatch(pre); m != nil {
				f, err := get(m[1], "-"+m[2])
				if err != nil {
					return nil, err
				}
				f.Upload = fhs[0]
			}
		}
	}
	for _, k := range sortedKeys(others) {
		pf.Others = append(pf.Others, others[k])
	}
	for _, k := range sortedKeys(news) {
		pf.New = append(pf.New, news[k])
	}
	// A note with a file: the file belongs to the message too.
	if m, f := news["msg-1"], news["file-1"]; m != nil && f != nil && !contains(m.Links["files"], "file-1") {
		m.Links["files"] = append(m.Links["files"], "file-1")
	}
	return pf, nil
}

func newFormItem(class, id string) *formItem {
	return &formItem{Class: class, ID: id, Props: map[string]string{}, Adds: map[string][]string{},
		Removes: map[string][]string{}, Links: map[string][]string{}}
}

// joinMulti joins repeated fields (multi-select lists, checkboxes) with
// commas, as Roundup's form parser reads Multilink values.
func joinMulti(values []string) string {
	var out []string
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	if len(out) == 0 && len(values) > 0 {
		return ""
	}
	return strings.Join(out, ",")
}

func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
