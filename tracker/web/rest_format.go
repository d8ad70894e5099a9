package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/corral-tracker/corral/tracker"
)

// restJSONValue turns a property value into its REST form for
// @verbose=0 and for the "attribute" answers of writes: links as ids,
// multilinks as id lists, dates as Roundup prints them
// ("2017-10-30.00:53:15"), intervals as "+ 1d", numbers and booleans as
// JSON, unset as null (roundup/rest.py format_item with RoundupJSONEncoder).
func restJSONValue(p *tracker.Property, v any) any {
	switch x := v.(type) {
	case nil:
		if p != nil && p.Kind == tracker.Multilink {
			return []string{}
		}
		return nil
	case time.Time:
		return tracker.FormatDate(x)
	case tracker.Interval:
		return x.String()
	case tracker.Password:
		return "[password hidden scheme " + x.Scheme() + "]"
	case []string:
		if x == nil {
			return []string{}
		}
		return x
	}
	return v
}

// restLinkObj is a link at @verbose=1.
type restLinkObj struct {
	ID   string `json:"id"`
	Link string `json:"link"`
}

// restLink is a link as @verbose >= 1 shows it: {"id", "link"} plus the
// target's label property at @verbose >= 2.
func (s *Site) restLink(rr *restReq, class, id string, verbose int) any {
	if verbose <= 1 {
		return restLinkObj{ID: id, Link: rr.data + "/" + class + "/" + id}
	}
	m := map[string]any{"id": id, "link": rr.data + "/" + class + "/" + id}
	if c := s.svc.Schema.Class(class); c != nil {
		if lp := c.Label(); lp != "id" && rr.q.can("View", class, lp, id) {
			if it, err := rr.q.tx.Get(class, id); err == nil {
				m[lp] = restJSONValue(c.Prop(lp), it.Get(lp))
			}
		}
	}
	return m
}

// formatItem renders the properties props of an item as rest.py's
// format_item does: each (possibly transitive, "status.name") property
// the user may view; links as {"id","link"} objects (ids only at
// @verbose=0, with labels at 2); file and message content as a download
// link below @verbose=3; passwords never.
func (s *Site) formatItem(rr *restReq, it *tracker.Item, props []string, verbose int) map[string]any {
	out := make(map[string]any, len(props))
	for _, pn := range props {
		v, p, ok := s.restResolve(rr, it, pn)
		if !ok {
			continue
		}
		out[pn] = s.restValue(rr, it, p, pn, v, verbose)
	}
	return out
}

// restResolve follows a (transitive) property from an item, checking
// View at each step; ok is false when the user may not see it. An empty
// link on the way yields nil.
func (s *Site) restResolve(rr *restReq, it *tracker.Item, pn string) (any, *tracker.Property, bool) {
	cur := it
	steps := strings.Split(pn, ".")
	for i, step := range steps {
		c := cur.Class
		p := c.Prop(step)
		if p == nil && step == "content" && c.HasContent() {
			p = &tracker.Property{Name: "content", Kind: tracker.String}
		}
		if p == nil || !rr.q.can("View", c.Name, step, cur.ID) {
			return nil, nil, false
		}
		v := cur.Get(step)
		if i == len(steps)-1 {
			return v, p, true
		}
		id, _ := v.(string)
		if id == "" || p.Kind != tracker.Link {
			return nil, p, true
		}
		next, err := rr.q.tx.Get(p.Class, id)
		if err != nil {
			return nil, p, true
		}
		cur = next
	}
	return nil, nil, false
}

func (s *Site) restValue(rr *restReq, it *tracker.Item, p *tracker.Property, pn string, v any, verbose int) any {
	switch {
	case p.Kind == tracker.Link && verbose > 0 && v != nil:
		return s.restLink(rr, p.Class, v.(string), verbose)
	case p.Kind == tracker.Multilink && verbose > 0 && len(idsOf(v)) > 0:
		ids := idsOf(v)
		l := make([]any, len(ids))
		for i, id := range ids {
			l[i] = s.restLink(rr, p.Class, id, verbose)
		}
		return l
	case pn == "content" && it.Class.HasContent():
		if verbose < 3 {
			return map[string]any{"link": s.downloadURL(rr, it)}
		}
		b, err := rr.q.tx.Content(it.Class.Name, it.ID)
		if err != nil {
			return nil
		}
		if !utf8.Valid(b) {
			sum := sha256.Sum256(b)
			return it.Class.Name + it.ID + " is not text, retrieve using binary_content property. sha256sum: " + hex.EncodeToString(sum[:])
		}
		return string(b)
	}
	return restJSONValue(p, v)
}

// downloadURL is where the web serves a file's or message's content
// (CLASSID/NAME; Roundup links CLASSID/, which Corral's URL grammar
// sends to the item page).
func (s *Site) downloadURL(rr *restReq, it *tracker.Item) string {
	name := it.Str("name")
	if name == "" {
		name = it.Class.Name + it.ID
	}
	return rr.web + it.Class.Name + it.ID + "/" + pathEscape(name)
}

// restProps checks a @fields list (comma or colon separated, rest.py
// transitive_props): every step must exist, no Multilink may be crossed,
// and the user must be allowed to view each step's property.
func (s *Site) restProps(rr *restReq, c *tracker.Class, value string) ([]string, error) {
	f := strings.Split(value, ",")
	if len(f) == 1 {
		f = strings.Split(value, ":")
	}
	var out []string
	for _, pn := range f {
		pn = strings.TrimSpace(pn)
		if pn == "" {
			continue
		}
		if err := s.checkPath(rr, c, pn, "View"); err != nil {
			return nil, err
		}
		out = append(out, pn)
	}
	return out, nil
}

// checkPath validates a transitive property name against the schema;
// perm "View" also checks the user's right to see each step.
func (s *Site) checkPath(rr *restReq, c *tracker.Class, pn, perm string) error {
	cls := c
	steps := strings.Split(pn, ".")
	for i, step := range steps {
		if cls == nil {
			return restErr(http.StatusBadRequest, "Property "+strings.Join(steps[:i], ".")+" can not be dereferenced in "+pn+".")
		}
		p := cls.Prop(step)
		if p == nil && step == "content" && cls.HasContent() {
			p = &tracker.Property{Name: "content", Kind: tracker.String}
		}
		if p == nil {
			return restErr(http.StatusBadRequest, "Unknown property: "+pn)
		}
		if p.Kind == tracker.Multilink && i < len(steps)-1 {
			return restErr(http.StatusBadRequest, "Multilink Traversal not allowed: "+pn)
		}
		if perm != "" && !rr.q.can(perm, cls.Name, step, "") {
			return restErr(http.StatusForbidden, `User does not have permission on "`+cls.Name+"."+step+`"`)
		}
		cls = nil
		if p.Kind.IsLink() {
			cls = s.svc.Schema.Class(p.Class)
		}
	}
	return nil
}

// etag is the item's entity tag: an HMAC, keyed with [web] secret_key,
// over every stored property and the automatic ones (rest.py
// calculate_etag hashes repr(node.items(protected=True))). It changes
// whenever the item does — activity moves on every change — and is the
// same in every process of the tracker.
func (s *Site) etag(it *tracker.Item) string {
	mac := hmac.New(sha256.New, s.rest.etagKey)
	etagWrite(mac, it)
	sum := mac.Sum(nil)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

func etagWrite(h hash.Hash, it *tracker.Item) {
	var b []byte
	b = append(b, it.Class.Name...)
	b = append(b, 0)
	b = append(b, it.ID...)
	b = append(b, 0)
	b = strconv.AppendBool(b, it.Retired)
	b = append(b, 0)
	b = strconv.AppendInt(b, it.Creation.UnixMilli(), 10)
	b = append(b, 0)
	b = strconv.AppendInt(b, it.Activity.UnixMilli(), 10)
	b = append(b, 0)
	b = append(b, it.Creator...)
	b = append(b, 0)
	b = append(b, it.Actor...)
	for _, p := range it.Class.Props {
		v, ok := it.Values[p.Name]
		if !ok || v == nil {
			continue
		}
		b = append(b, 0)
		b = append(b, p.Name...)
		b = append(b, '=')
		b = append(b, tracker.FormatValue(p, v)...)
	}
	h.Write(b)
}

// etagMatches checks If-Match and @etag as rest.py check_etag does:
// every tag given must match and at least one must be given. A
// content-encoding suffix ("-gzip") is ignored, as are W/ and missing
// quotes.
func (s *Site) etagMatches(rr *restReq, it *tracker.Item) bool {
	want := strings.Trim(s.etag(it), `"`)
	var tags []string
	if f, ok := rr.in.get("@etag"); ok {
		tags = append(tags, f.value)
	}
	if h := rr.q.r.Header.Get("If-Match"); h != "" {
		tags = append(tags, h)
	}
	if len(tags) == 0 {
		return false
	}
	for _, t := range tags {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		t = strings.Trim(t, `"`)
		if i := strings.IndexByte(t, '-'); i >= 0 {
			t = t[:i]
		}
		if t != want {
			return false
		}
	}
	return true
}

var errPrecondition = restErr(http.StatusPreconditionFailed, "If-Match is missing or does not match. Retrieve asset and retry modification if valid.")

// pyTypeName is str(type(value)) of the value Roundup would hold, which
// the property endpoint reports as "type".
func pyTypeName(p *tracker.Property, v any) string {
	switch v.(type) {
	case nil:
		return "<class 'NoneType'>"
	case string:
		return "<class 'str'>"
	case []string:
		return "<class 'list'>"
	case []byte:
		return "<class 'bytes'>"
	case float64:
		return "<class 'float'>"
	case int64:
		return "<class 'int'>"
	case bool:
		return "<class 'bool'>"
	case time.Time:
		return "<class 'roundup.date.Date'>"
	case tracker.Interval:
		return "<class 'roundup.date.Interval'>"
	case tracker.Password:
		return "<class 'roundup.password.Password'>"
	}
	return "<class 'str'>"
}

// pyBytesRepr is Python's repr() of bytes, as Roundup shows
// binary_content in JSON.
func pyBytesRepr(b []byte) string {
	var sb strings.Builder
	q := byte('\'')
	if strings.IndexByte(string(b), '\'') >= 0 && strings.IndexByte(string(b), '"') < 0 {
		q = '"'
	}
	sb.WriteString("b")
	sb.WriteByte(q)
	const hexd = "0123456789abcdef"
	for _, c := range b {
		switch {
		case c == '\\':
			sb.WriteString(`\\`)
		case c == q:
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case c == '\n':
			sb.WriteString(`\n`)
		case c == '\r':
			sb.WriteString(`\r`)
		case c == '\t':
			sb.WriteString(`\t`)
		case c < 0x20 || c >= 0x7f:
			sb.WriteString(`\x`)
			sb.WriteByte(hexd[c>>4])
			sb.WriteByte(hexd[c&15])
		default:
			sb.WriteByte(c)
		}
	}
	sb.WriteByte(q)
	return sb.String()
}
