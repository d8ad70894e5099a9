package mailgw

import (
	"errors"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// props is get_props: the subject's arguments (per suffix mode), the
// title, and -S values of the class; subject arguments win.
func (g *Gateway) props(tx *tracker.Tx, in *inbound, d *decision, cur *tracker.Item) (*change, error) {
	s := d.subj
	cls := d.class.Name
	ch := &change{vals: tracker.Values{}}
	title := s.Title
	if s.ID != "" && d.nodeID == "" {
		title = in.subject // the designator named nothing: keep it all
	}
	if s.HasArgs && s.Args != "" {
		if g.opts.SubjectSuffixParsing == "none" {
			title += " " + s.ArgsWhole
		} else {
			vals, order, errs, err := propArray(tx, cls, cur, s.Args)
			if err != nil {
				return nil, err
			}
			if len(errs) > 0 {
				if g.opts.SubjectSuffixParsing == "strict" {
					return nil, usage(textArgs, strings.Join(errs, "\n- "), in.subject)
				}
				title += " " + s.ArgsWhole
			} else {
				for _, k := range order {
					ch.set(k, vals[k])
				}
			}
		}
	}
	defaults, err := g.setValues(tx, cls)
	if err != nil {
		return nil, err
	}
	title = pyStrip(title)
	if d.class.Prop("title") != nil {
		if _, given := defaults["title"]; title != "" && !given {
			defaults["title"] = title
		}
		if cur != nil && g.opts.NoSubjectUpdatesTitle {
			defaults["title"] = cur.Values["title"]
		}
	}
	for _, k := range sortedKeys(defaults) {
		if _, ok := ch.vals[k]; !ok {
			ch.set(k, defaults[k])
		}
	}
	return ch, nil
}

// propArray is setPropArrayFromString: "prop=value;prop=value" parsed
// against the item's current values (Multilink +/- edits); each piece
// needs exactly one '=' (the first that does not stops the parse).
// Value errors are collected in Roundup's wording; err is for failures
// of the database.
func propArray(tx *tracker.Tx, class string, cur *tracker.Item, s string) (tracker.Values, []string, []string, error) {
	vals := tracker.Values{}
	var order, errs []string
	for _, piece := range strings.Split(s, ";") {
		kv := strings.Split(piece, "=")
		if len(kv) != 2 {
			return vals, order, append(errs, textArgForm), nil
		}
		name := strings.TrimSpace(kv[0])
		var cv any
		if cur != nil {
			cv = cur.Values[name]
		}
		v, err := tx.ParseValue(class, name, kv[1], cv)
		var ve *tracker.ValueError
		switch {
		case errors.As(err, &ve):
			errs = append(errs, ve.Error())
		case errors.Is(err, tracker.ErrNotFound):
			errs = append(errs, err.Error())
		case err != nil:
			return nil, nil, nil, err
		default:
			if _, dup := vals[name]; !dup {
				order = append(order, name)
			}
			vals[name] = v
		}
	}
	return vals, order, errs, nil
}

// setValues parses the -S values of a class (get_class_arguments); a
// value that does not parse is Roundup's set-up error.
func (g *Gateway) setValues(tx *tracker.Tx, class string) (tracker.Values, error) {
	out := tracker.Values{}
	for _, s := range g.rules.setValues[class] {
		vals, _, errs, err := propArray(tx, class, nil, strings.TrimSpace(s))
		if err != nil {
			return nil, err
		}
		if len(errs) > 0 {
			return nil, usage(textSetup, g.opts.AdminEmail, strings.Join(errs, "\n  "))
		}
		for k, v := range vals {
			out[k] = v
		}
	}
	return out, nil
}
