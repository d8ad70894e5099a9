package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// restCollectionQuery is a parsed GET /rest/data/CLASS.
type restCollectionQuery struct {
	spec     map[string][]string
	exact    map[string][]string
	sort     []tracker.SortKey
	group    []tracker.SortKey
	text     string
	display  []string
	verbose  int
	size     int // 0: no paging
	index    int
	hasIndex bool
}

// restGetCollection lists a class (rest.py get_collection): property
// filters (ids or keys for links, word matches for strings, "prop:=x"
// exact string matches, transitive "messages.author=admin"), @sort,
// @group, @fields, @verbose, @page_size/@page_index with @links, and
// @total_size / X-Count-Total. Only items the user may view are listed.
// @search_text (full-text search, as the web index has it) is a Corral
// addition.
func (s *Site) restGetCollection(rr *restReq) (any, error) {
	q := rr.q
	c := s.svc.Schema.Class(rr.parts[1])
	if !q.can("View", c.Name, "", "") {
		return nil, restErr(http.StatusForbidden, "Permission to view "+c.Name+" denied")
	}
	cq, err := s.parseCollectionQuery(rr, c)
	if err != nil {
		return nil, err
	}
	max := s.rest.cfg.MaxRows
	if cq.size >= max {
		return nil, restErr(http.StatusBadRequest, "Page size "+strconv.Itoa(cq.size)+" must be less than admin limit on query result size: "+strconv.Itoa(max)+".")
	}
	f := &tracker.Filter{Spec: cq.spec, Sort: cq.sort, Group: cq.group, Text: cq.text, Count: true}
	offset := 0
	if cq.size > 0 {
		offset = (max1(cq.index) - 1) * cq.size
	}
	f.Exact = cq.exact
	f.Offset = offset
	if cq.size > 0 {
		f.Limit = cq.size
	} else {
		f.Limit = max
	}
	ids, total, err := q.tx.Filter(c.Name, f)
	if err != nil {
		return nil, err
	}
	display := cq.display
	if cq.verbose > 1 {
		if lp := c.Label(); !contains(display, lp) {
			display = append(display, lp)
		}
	}
	var items []*tracker.Item
	if len(display) > 0 {
		var multis []string
		for _, pn := range display {
			if p := c.Prop(strings.Split(pn, ".")[0]); p != nil && p.Kind == tracker.Multilink {
				multis = append(multis, p.Name)
			}
		}
		if multis == nil {
			multis = []string{}
		}
		items, err = q.tx.GetMany(c.Name, ids, multis)
		if err != nil {
			return nil, err
		}
	}
	coll := make([]map[string]any, 0, len(ids))
	for i, id := range ids {
		if !q.can("View", c.Name, "", id) {
			continue
		}
		e := map[string]any{"id": id, "link": rr.data + "/" + c.Name + "/" + id}
		if items != nil && i < len(items) && items[i].ID == id {
			for k, v := range s.formatItem(rr, items[i], display, cq.verbose) {
				e[k] = v
			}
		} else if items != nil {
			if it, err := q.tx.Get(c.Name, id); err == nil {
				for k, v := range s.formatItem(rr, it, display, cq.verbose) {
					e[k] = v
				}
			}
		}
		coll = append(coll, e)
	}
	if cq.size == 0 && total > max {
		total = -1
	}
	result := map[string]any{"collection": coll, "@total_size": total}
	if cq.size > 0 {
		links := map[string]any{}
		index := max1(cq.index)
		link := func(rel string, n int) {
			links[rel] = []map[string]string{{"rel": rel, "uri": s.pageURI(rr, c.Name, n)}}
		}
		if offset+cq.size < total {
			link("next", index+1)
		}
		if index > 1 {
			link("prev", index-1)
		}
		link("self", index)
		result["@links"] = links
	}
	h := q.w.Header()
	h.Set("X-Count-Total", strconv.Itoa(total))
	return result, nil
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

// pageURI repeats the request's query with another @page_index first,
// as Roundup's pagination links do.
func (s *Site) pageURI(rr *restReq, class string, index int) string {
	var b strings.Builder
	b.WriteString(rr.data + "/" + class + "?@page_index=" + strconv.Itoa(index))
	for _, f := range rr.in.fields {
		if f.name == "@page_index" {
			continue
		}
		b.WriteString("&" + url.QueryEscape(f.name) + "=" + url.QueryEscape(f.value))
	}
	return strings.ReplaceAll(b.String(), "%40", "@")
}

func (s *Site) parseCollectionQuery(rr *restReq, c *tracker.Class) (*restCollectionQuery, error) {
	cq := &restCollectionQuery{spec: map[string][]string{}, exact: map[string][]string{}, verbose: 1, index: 1}
	for _, f := range rr.in.fields {
		key, value := f.name, f.value
		switch {
		case strings.HasPrefix(key, "@page_"):
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil {
				return nil, restErr(http.StatusBadRequest, "When using "+key+": invalid literal for int() with base 10: "+tracker.PyRepr(value))
			}
			switch key[6:] {
			case "size":
				cq.size = max(n, 0)
			case "index":
				cq.index, cq.hasIndex = n, true
			}
		case key == "@verbose":
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil {
				return nil, restErr(http.StatusBadRequest, "When using @verbose: invalid literal for int() with base 10: "+tracker.PyRepr(value))
			}
			cq.verbose = n
		case key == "@fields" || key == "@attrs":
			props, err := s.restProps(rr, c, value)
			if err != nil {
				return nil, err
			}
			for _, p := range props {
				if !contains(cq.display, p) {
					cq.display = append(cq.display, p)
				}
			}
		case key == "@sort" || key == "@group":
			for _, part := range strings.Split(value, ",") {
				part = strings.TrimSpace(part)
				if part == "" {
					return nil, restErr(http.StatusBadRequest, "Empty property for class "+c.Name+".")
				}
				k := tracker.SortKey{Prop: part}
				if part[0] == '-' || part[0] == '+' {
					k = tracker.SortKey{Prop: part[1:], Desc: part[0] == '-'}
				}
				if err := s.searchable(rr, c, k.Prop); err != nil {
					return nil, err
				}
				if key == "@sort" {
					cq.sort = append(cq.sort, k)
				} else {
					cq.group = append(cq.group, k)
				}
			}
		case key == "@search_text":
			cq.text = value
		case strings.HasPrefix(key, "@"):
			// @verbose, @apiver, @pretty, @stats ... or unknown: ignored as Roundup does.
		default:
			exact := false
			if strings.HasSuffix(key, ":") {
				exact, key = true, strings.TrimSuffix(key, ":")
			} else {
				key = strings.TrimSuffix(key, "~")
			}
			if c.Prop(strings.Split(key, ".")[0]) == nil {
				return nil, restErr(http.StatusBadRequest, "Field "+strings.Split(key, ".")[0]+" is not valid for "+c.Name+" class.")
			}
			if err := s.searchable(rr, c, key); err != nil {
				return nil, err
			}
			p := finalProp(s.svc.Schema, c, key)
			if exact && p.Kind == tracker.String {
				cq.exact[key] = append(cq.exact[key], value)
				continue
			}
			if p.Kind == tracker.Boolean {
				// Roundup: yes/true/1... match true, any other value false.
				if _, err := tracker.ParseBool(value); err != nil {
					value = "no"
				}
			}
			cq.spec[key] = append(cq.spec[key], value)
		}
	}
	return cq, nil
}

// searchable checks a filter or sort path: it must exist (400) and the
// user must have Roundup's search permission on it (403; Tx.CanSearch:
// View or Search without a check function on each step).
func (s *Site) searchable(rr *restReq, c *tracker.Class, path string) error {
	if err := s.checkPath(rr, c, path, ""); err != nil {
		return err
	}
	if !rr.q.tx.CanSearch(c.Name, path) {
		return restErr(http.StatusForbidden, `User does not have search permission on "`+c.Name+"."+path+`"`)
	}
	return nil
}

// finalProp returns the property a valid path ends at.
func finalProp(schema *tracker.Schema, c *tracker.Class, path string) *tracker.Property {
	var p *tracker.Property
	for _, step := range strings.Split(path, ".") {
		p = c.Prop(step)
		if p.Kind.IsLink() {
			c = schema.Class(p.Class)
		}
	}
	return p
}

// restPostCollection creates an item (rest.py post_collection): Create
// permission on the class and on each property, the key property
// required; 201 with the new item's id and link, and Location.
func (s *Site) restPostCollection(rr *restReq) (any, error) {
	c := s.svc.Schema.Class(rr.parts[1])
	return s.restCreate(rr, c, nil)
}

// restCreate creates an item of c from the input; take, when set, runs
// first in the same transaction (the POE token).
func (s *Site) restCreate(rr *restReq, c *tracker.Class, take func(tx *tracker.Tx) error) (any, error) {
	q := rr.q
	if !q.can("Create", c.Name, "", "") {
		return nil, restErr(http.StatusForbidden, "Permission to create "+c.Name+" denied")
	}
	var id string
	err := s.svc.Update(q.ctx, q.uid, func(tx *tracker.Tx) error {
		if take != nil {
			if err := take(tx); err != nil {
				return err
			}
		}
		vals, err := s.restValues(rr, tx, c, nil, true)
		if err != nil {
			return err
		}
		if c.KeyProp != "" {
			if _, ok := vals[c.KeyProp]; !ok {
				return restErr(http.StatusBadRequest, "Must provide the '"+c.KeyProp+"' property.")
			}
		}
		for k := range vals {
			if !tx.Can("Create", c.Name, k, "") {
				return restErr(http.StatusForbidden, "Permission to create "+c.Name+"."+k+" denied")
			}
		}
		id, err = tx.Create(c.Name, vals)
		return err
	})
	if err != nil {
		return nil, err
	}
	link := rr.data + "/" + c.Name + "/" + id
	q.w.Header().Set("Location", link)
	return restCreated{map[string]any{"id": id, "link": link}}, nil
}

// restDeleteCollection is refused, as in Roundup 2.x.
func (s *Site) restDeleteCollection(rr *restReq) (any, error) {
	return nil, restErr(http.StatusForbidden, "Deletion of a whole class disabled")
}
