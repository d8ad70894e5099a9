package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// restRaw is a binary_content answer: the bytes themselves.
type restRaw struct {
	ctype string
	data  []byte
}

// restWrite sends an answer: {"data": ...} on success, Roundup's error
// object {"error": {"status": N, "msg": "..."}} on failure (rest.py
// _data_decorator and error_obj), JSON indented by 4 unless
// @pretty=false, ending in a newline.
func (s *Site) restWrite(rr *restReq, data any, err error) {
	w := rr.q.w
	h := w.Header()
	status := http.StatusOK
	var body any
	if err != nil {
		st, msg, source := s.restError(rr, err)
		status = st
		e := map[string]any{"status": st, "msg": msg}
		if source != "" {
			e["source"] = source
		}
		body = map[string]any{"error": e}
	} else {
		switch d := data.(type) {
		case restNoContent:
			w.WriteHeader(http.StatusNoContent)
			return
		case *restRaw:
			h.Del("ETag")
			h.Set("Content-Type", d.ctype)
			h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
			h.Set("Content-Length", strconv.Itoa(len(d.data)))
			w.WriteHeader(http.StatusOK)
			w.Write(d.data)
			return
		case restCreated:
			status, data = http.StatusCreated, d.data
		}
		if rr.stats {
			if m, ok := data.(map[string]any); ok {
				m["@stats"] = map[string]any{"elapsed": time.Since(rr.start).Seconds()}
			}
		}
		body = map[string]any{"data": data}
	}
	compact := restBufs.Get().(*bytes.Buffer)
	out := restBufs.Get().(*bytes.Buffer)
	defer func() {
		for _, b := range []*bytes.Buffer{compact, out} {
			if b.Cap() <= 1<<20 {
				b.Reset()
				restBufs.Put(b)
			}
		}
	}()
	enc := json.NewEncoder(compact)
	enc.SetEscapeHTML(false)
	err = enc.Encode(body)
	if err == nil && rr.pretty {
		err = json.Indent(out, compact.Bytes(), "", "    ")
	} else if err == nil {
		out, compact = compact, out
	}
	if err != nil {
		s.log.Error("encoding REST answer", "request_id", RequestID(rr.q.ctx), "error", err)
		status = http.StatusInternalServerError
		out.Reset()
		out.WriteString(`{"error": {"status": 500, "msg": "An error has occurred"}}` + "\n")
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(out.Len()))
	w.WriteHeader(status)
	w.Write(out.Bytes())
}

// restBufs recycles the buffers answers are encoded in.
var restBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// restError maps an error to a status and message as rest.py's
// _data_decorator does: not found 404, no permission 403, bad input 400,
// failed If-Match 412. Two departures, both documented in the report:
// an auditor's Reject and a key already in use are 409 (Roundup answers
// a Reject with 405, which HTTP reserves for methods), and unexpected
// errors are 500 (Roundup: 400), logged with the request id.
func (s *Site) restError(rr *restReq, err error) (int, string, string) {
	var rs *restStatus
	var he *httpError
	var pe *tracker.PermissionError
	var ve *tracker.ValueError
	var rej *tracker.Reject
	switch {
	case errors.As(err, &rs):
		return rs.status, rs.msg, rs.source
	case errors.As(err, &he):
		return he.status, he.msg, ""
	case errors.As(err, &pe):
		return http.StatusForbidden, pe.Error(), ""
	case errors.As(err, &ve):
		return http.StatusBadRequest, ve.Error(), ""
	case errors.As(err, &rej):
		return http.StatusConflict, rej.Error(), ""
	case errors.Is(err, tracker.ErrConflict):
		return http.StatusConflict, err.Error(), ""
	case errors.Is(err, tracker.ErrNotFound):
		return http.StatusNotFound, err.Error(), ""
	}
	s.log.Error("REST request failed", "request_id", RequestID(rr.q.ctx), "method", rr.method, "path", rr.q.r.URL.Path, "error", err)
	msg := "An error has occurred. Please check the server log for more information."
	if s.cfg.Debug {
		msg += " " + err.Error()
	}
	return http.StatusInternalServerError, msg, ""
}

// mediaRange is one entry of an Accept header.
type mediaRange struct {
	typ     string
	params  map[string]string
	quality float64
}

// parseAccept reads an Accept header, best first (rest.py
// parse_accept_header, vendor types "application/vnd.x-v1+json"
// included).
func parseAccept(h string) ([]mediaRange, error) {
	var out []mediaRange
	for _, part := range strings.Split(h, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		fields := strings.Split(part, ";")
		mr := mediaRange{typ: strings.ToLower(strings.TrimSpace(fields[0])), params: map[string]string{}, quality: 1}
		typ, sub, ok := strings.Cut(mr.typ, "/")
		if !ok || typ == "" || sub == "" {
			return nil, errors.New("Invalid media type: " + mr.typ)
		}
		if vnd, extra, ok := strings.Cut(sub, "+"); ok && strings.HasPrefix(vnd, "vnd") {
			if i := strings.LastIndex(vnd, "-v"); i >= 0 {
				mr.params["version"] = vnd[i+2:]
			}
			mr.typ = typ + "/" + extra
		}
		for _, p := range fields[1:] {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if !ok {
				return nil, errors.New("Invalid param: " + strings.TrimSpace(p))
			}
			k, v = strings.TrimSpace(k), strings.Trim(strings.TrimSpace(v), `"`)
			if k == "q" {
				f, err := strconv.ParseFloat(v, 64)
				if err != nil {
					return nil, errors.New("Invalid param: " + p)
				}
				if f > 1 {
					f = 0.0001
				}
				mr.quality = f
				continue
			}
			mr.params[k] = v
		}
		out = append(out, mr)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].quality > out[j].quality })
	return out, nil
}

// restFormat picks the answer's format (rest.py determine_output_format):
// a ".json" suffix or the Accept header; JSON is the only structured
// format (Roundup's XML needs an optional module; asking for it is 406).
// For .../binary_content the item's own type, its family, octet-stream
// or */* select the raw bytes.
func (s *Site) restFormat(q *rq, rr *restReq, path string) (string, error) {
	last := path[strings.LastIndex(path, "/")+1:]
	if strings.HasSuffix(last, ".json") {
		return strings.TrimSuffix(path, ".json"), nil
	}
	if strings.HasSuffix(last, ".xml") {
		return path, restErr(http.StatusNotAcceptable, "Content type 'xml' requested in URL is not available.\nAcceptable types: json\n")
	}
	accept := q.r.Header.Get("Accept")
	if accept == "" {
		return path, nil
	}
	ranges, err := parseAccept(accept)
	if err != nil {
		return path, restErr(http.StatusBadRequest, "Unable to parse Accept Header. "+err.Error()+". Acceptable types: */*, application/json")
	}
	var binTypes []string
	if last == "binary_content" {
		binTypes = s.binaryTypes(q, path)
	}
	for _, mr := range ranges {
		if mr.quality <= 0 {
			continue
		}
		switch mr.typ {
		case "application/json", "application/*":
			if v, ok := mr.params["version"]; ok && v != "1" {
				return path, restErr(http.StatusNotAcceptable, "Unrecognized api version: "+v+". See /rest without specifying api version for supported versions.")
			}
			return path, nil
		}
		if binTypes == nil {
			if mr.typ == "*/*" {
				return path, nil
			}
			continue
		}
		for _, t := range binTypes {
			if mr.typ == t {
				rr.accept = mr.typ
				if strings.Contains(mr.typ, "*") {
					rr.accept = binTypes[0]
				}
				return path, nil
			}
		}
	}
	acceptable := "*/*, application/json"
	if binTypes != nil {
		acceptable = strings.Join(binTypes, ", ") + ", application/json"
	}
	return path, restErr(http.StatusNotAcceptable, "Requested content type(s) '"+accept+"' not available.\nAcceptable mime types are: "+acceptable)
}

// binaryTypes lists the media types binary_content of the item in path
// (data/CLASS/ID/binary_content) can be sent as (rest.py
// create_valid_content_types): its type, its family, octet-stream and
// */*; text/plain and text/* when it has none (messages).
func (s *Site) binaryTypes(q *rq, path string) []string {
	parts := strings.Split(path, "/")
	if len(parts) != 4 || parts[0] != "data" {
		return nil
	}
	c := s.svc.Schema.Class(parts[1])
	if c == nil || !c.HasContent() {
		return nil
	}
	it, err := q.tx.Get(c.Name, parts[2])
	if err != nil {
		return nil
	}
	var out []string
	t := strings.TrimSpace(strings.Split(it.Str("type"), ";")[0])
	if t != "" {
		out = append(out, strings.ToLower(t))
		if fam, _, ok := strings.Cut(t, "/"); ok {
			out = append(out, strings.ToLower(fam)+"/*")
		}
	} else {
		out = append(out, "text/plain", "text/*")
	}
	return append(out, "application/octet-stream", "*/*")
}
