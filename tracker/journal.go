package tracker

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Journal actions, Roundup's addjournal() vocabulary.
const (
	ActCreate   = "create"
	ActSet      = "set"
	ActLink     = "link"
	ActUnlink   = "unlink"
	ActRetired  = "retired"
	ActRestored = "restored"
)

// JournalEntry is one history line of an item (Roundup's journal tuple
// nodeid, date, tag, action, params).
type JournalEntry struct {
	Class  string
	ItemID string
	Date   time.Time
	User   string // user id
	Action string
	Params JournalParams
}

// JournalParams are an entry's details.
type JournalParams struct {
	// Old holds, for "set", the previous values of changed non-Multilink
	// properties (Password as its JournalString, never the hash).
	Old Values
	// Added and Removed hold, for "set", Multilink ids added and removed.
	Added, Removed map[string][]string
	// LinkClass, LinkID and LinkProp name, for "link"/"unlink", the item
	// and property that now (no longer) points here: ("issue", "1", "nosy").
	LinkClass, LinkID, LinkProp string
}

// Changed returns the property names a "set" entry touches, sorted.
func (p *JournalParams) Changed() []string {
	seen := map[string]bool{}
	for k := range p.Old {
		seen[k] = true
	}
	for k := range p.Added {
		seen[k] = true
	}
	for k := range p.Removed {
		seen[k] = true
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// jsonParams is the stored form: values carry a type tag so old entries
// read back the same after the schema changes.
type jsonParams struct {
	Old  [][3]any            `json:"o,omitempty"`
	Add  map[string][]string `json:"a,omitempty"`
	Rem  map[string][]string `json:"r,omitempty"`
	Link []string            `json:"l,omitempty"`
}

// EncodeParams serialises params for storage (JSON with typed values).
func EncodeParams(p *JournalParams) ([]byte, error) {
	var j jsonParams
	keys := make([]string, 0, len(p.Old))
	for k := range p.Old {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		tag, v := encodeTagged(p.Old[k])
		j.Old = append(j.Old, [3]any{k, tag, v})
	}
	j.Add, j.Rem = p.Added, p.Removed
	if p.LinkClass != "" {
		j.Link = []string{p.LinkClass, p.LinkID, p.LinkProp}
	}
	return json.Marshal(&j)
}

// DecodeParams reads what EncodeParams wrote.
func DecodeParams(b []byte) (JournalParams, error) {
	var p JournalParams
	if len(b) == 0 {
		return p, nil
	}
	var j jsonParams
	if err := json.Unmarshal(b, &j); err != nil {
		return p, fmt.Errorf("decoding journal params: %w", err)
	}
	if len(j.Old) > 0 {
		p.Old = Values{}
		for _, t := range j.Old {
			name, _ := t[0].(string)
			tag, _ := t[1].(string)
			v, err := decodeTagged(tag, t[2])
			if err != nil {
				return p, err
			}
			p.Old[name] = v
		}
	}
	p.Added, p.Removed = j.Add, j.Rem
	if len(j.Link) == 3 {
		p.LinkClass, p.LinkID, p.LinkProp = j.Link[0], j.Link[1], j.Link[2]
	}
	return p, nil
}

func encodeTagged(v any) (string, any) {
	switch x := v.(type) {
	case nil:
		return "n", nil
	case string:
		return "s", x
	case float64:
		return "f", x
	case int64:
		return "i", strconv.FormatInt(x, 10)
	case bool:
		return "b", x
	case time.Time:
		return "d", x.UnixMilli()
	case Interval:
		return "v", x.String()
	case Password:
		return "s", x.JournalString()
	case []string:
		return "l", strings.Join(x, ",")
	}
	return "s", fmt.Sprint(v)
}

func decodeTagged(tag string, v any) (any, error) {
	switch tag {
	case "n":
		return nil, nil
	case "s":
		s, _ := v.(string)
		return s, nil
	case "f":
		f, _ := v.(float64)
		return f, nil
	case "i":
		s, _ := v.(string)
		return strconv.ParseInt(s, 10, 64)
	case "b":
		b, _ := v.(bool)
		return b, nil
	case "d":
		f, _ := v.(float64)
		return time.UnixMilli(int64(f)).UTC(), nil
	case "v":
		s, _ := v.(string)
		if s == "00:00" {
			return Interval{Sign: 1}, nil
		}
		return ParseInterval(s)
	case "l":
		s, _ := v.(string)
		if s == "" {
			return []string{}, nil
		}
		return strings.Split(s, ","), nil
	}
	return nil, fmt.Errorf("decoding journal params: unknown value tag %q", tag)
}
