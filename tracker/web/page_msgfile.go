package web

import (
	"slices"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// msgFileView is what bpo's msg.item.html and file.item.html show beyond
// the fields: the spam verdict and its buttons, the content (or why it
// is hidden), the message's files, and the issue the item belongs or
// belonged to with the Unlink / Restore button.
type msgFileView struct {
	Meta []metaRow // read-only metadata rows, in bpo's order
	// Spam: the score is above [main] spambayes_spam_cutoff.
	Spam, Misclassified bool
	CanClassify         bool
	// ContentVisible: the visitor may see the content; otherwise bpo's
	// notice explains that spam is hidden.
	ContentVisible bool
	Content        string
	DownloadURL    string
	Files          []fileView
	Owner          *ownerView
}

// ownerView is the issue a message or file is linked to (Linked) or was
// last unlinked from, and the button that reverses that.
type ownerView struct {
	Designator, URL, Prop, ItemID string
	Linked, CanEdit               bool
}

type metaRow struct {
	Label string
	Field fieldView
}

// msgMeta are bpo's msg.item.html rows.
var msgMeta = [][2]string{{"author", "Author"}, {"recipients", "Recipients"}, {"date", "Date"},
	{"spambayes_score", "SpamBayes Score"}, {"spambayes_misclassified", "Marked as misclassified"},
	{"messageid", "Message-id"}, {"inreplyto", "In-reply-to"}}

// MsgFile builds the model for a message or file page; nil elsewhere or
// on a new-item form.
func (p *pageData) MsgFile() *msgFileView {
	v, ok := p.Body.(*itemView)
	if !ok || v.ID == "" || v.Item == nil || (v.Class != "msg" && v.Class != "file") {
		return nil
	}
	q, s := p.q, p.q.s
	it := v.Item
	mv := &msgFileView{CanClassify: q.can("SB: May Classify", "", "", "") && v.Item.Class.Prop("spambayes_score") != nil}
	if score, ok := it.Values["spambayes_score"].(float64); ok && score > s.svc.Options().SpamCutoff {
		mv.Spam = true
	}
	mv.Misclassified, _ = it.Values["spambayes_misclassified"].(bool)
	if v.Class == "msg" {
		for _, n := range msgMeta {
			if f := v.ByName[n[0]]; f != nil && f.Visible {
				r := metaRow{n[1], *f}
				if n[0] == "date" && r.Field.Display == "" {
					// Messages made on the web carry no date: when created.
					r.Field.Display = it.Creation.In(s.loc).Format("2006-01-02 15:04")
				}
				mv.Meta = append(mv.Meta, r)
			}
		}
	}
	mv.ContentVisible = q.can("View", v.Class, "content", v.ID)
	if mv.ContentVisible {
		name := it.Str("name")
		if name == "" {
			name = v.Class + v.ID
		}
		mv.DownloadURL = s.base.Path + v.Class + v.ID + "/" + pathEscape(name)
		if v.Class == "msg" {
			if b, err := q.tx.Content("msg", v.ID); err == nil {
				mv.Content = string(b)
			}
		}
	}
	if v.Class == "msg" {
		for _, fid := range it.IDs("files") {
			f, err := q.tx.Get("file", fid)
			if err != nil || !q.can("View", "file", "", fid) {
				continue
			}
			fv := fileView{ID: fid, Name: f.Str("name"), URL: s.base.Path + "file" + fid + "/" + pathEscape(f.Str("name")),
				Type: f.Str("type"), Date: f.Creation.In(s.loc).Format("2006-01-02 15:04")}
			if f.Creator != "" {
				fv.Author = q.tx.Label("user", f.Creator)
			}
			mv.Files = append(mv.Files, fv)
		}
	}
	mv.Owner = s.owner(q, v.Class, v.ID)
	return mv
}

// owner is bpo's issueid_and_action_from_class: the issue whose
// messages (files) hold the item — found by a filter — else the one it
// was last unlinked from, by its journal; nil when there is neither or
// the visitor may not see it. The button is offered to those who may
// edit that property of the issue.
func (s *Site) owner(q *rq, class, id string) *ownerView {
	prop := "messages"
	if class == "file" {
		prop = "files"
	}
	ic := s.svc.Schema.Class("issue")
	if ic == nil || ic.Prop(prop) == nil {
		return nil
	}
	o := &ownerView{Prop: prop, ItemID: id}
	ids, _, err := q.tx.Filter("issue", &tracker.Filter{Spec: map[string][]string{prop: {id}}})
	if err == nil {
		for _, iid := range ids {
			if it, err := q.tx.Get("issue", iid); err == nil && slices.Contains(it.IDs(prop), id) {
				o.Designator, o.Linked = "issue"+iid, true
				break
			}
		}
	}
	if o.Designator == "" {
		entries, err := q.tx.Journal(class, id)
		if err != nil {
			return nil
		}
		for _, e := range entries {
			if e.Params.LinkClass != "issue" || e.Params.LinkProp != prop {
				continue
			}
			switch e.Action {
			case tracker.ActUnlink:
				o.Designator, o.Linked = "issue"+e.Params.LinkID, false
			case tracker.ActLink:
				o.Designator, o.Linked = "", true // linked to an issue that is gone
			}
		}
		if o.Designator == "" {
			return nil
		}
	}
	iid := strings.TrimPrefix(o.Designator, "issue")
	if !q.can("View", "issue", "", iid) {
		return nil
	}
	o.URL = s.base.Path + o.Designator
	o.CanEdit = q.can("Edit", "issue", prop, iid)
	return o
}
