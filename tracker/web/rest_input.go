package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// restInput is what a REST call submitted: the query string of a GET,
// the body of a write — a form (urlencoded or multipart) or a JSON
// object (Roundup's SimulateFieldStorageFromJson) — as named fields in
// order.
type restInput struct {
	fields []restField
}

// restField is one submitted name and value. JSON arrays arrive as list;
// JSON null as null (the property is unset); an uploaded file as file.
type restField struct {
	name   string
	value  string
	list   []string
	isList bool
	null   bool
	file   *multipart.FileHeader
}

func (in *restInput) get(name string) (restField, bool) {
	for _, f := range in.fields {
		if f.name == name {
			return f, true
		}
	}
	return restField{}, false
}

// maxRESTBody bounds a JSON body (forms are bounded by the server's
// multipart parsing).
const maxRESTBody = 32 << 20

// readRESTInput reads the call's input: the query for GET, HEAD and
// OPTIONS; the body otherwise (Roundup ignores the query string of
// writes), where DELETE also takes the query. Bodies must be JSON or a
// form; anything else is 415 as in Roundup. Malformed JSON is 400 with
// the parser's message and the JSON, as Roundup answers.
func readRESTInput(q *rq, method string) (*restInput, error) {
	in := &restInput{}
	r := q.r
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		in.fields = queryFields(r.URL.RawQuery)
		return in, nil
	case http.MethodDelete:
		in.fields = queryFields(r.URL.RawQuery)
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1))
		if len(b) > 0 {
			return nil, restErr(http.StatusUnsupportedMediaType, "Unable to process input without a Content-Type; send application/json or a form")
		}
		return in, nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return nil, restErr(http.StatusUnsupportedMediaType, "Unable to process input of type "+ct)
	}
	switch mt {
	case "application/json":
		b, err := io.ReadAll(io.LimitReader(r.Body, maxRESTBody+1))
		if err != nil {
			return nil, restErr(http.StatusBadRequest, "reading the request body: "+err.Error())
		}
		if len(b) > maxRESTBody {
			return nil, restErr(http.StatusRequestEntityTooLarge, fmt.Sprintf("The JSON body is larger than %d bytes", maxRESTBody))
		}
		fs, err := jsonFields(b)
		if err != nil {
			return nil, err
		}
		in.fields = append(fs, in.fields...)
	case "application/x-www-form-urlencoded", "multipart/form-data":
		var fs []restField
		for _, k := range sortedFormKeys(r.PostForm) {
			for _, v := range r.PostForm[k] {
				fs = append(fs, restField{name: k, value: v})
			}
		}
		if r.MultipartForm != nil {
			for _, k := range sortedFileKeys(r.MultipartForm.File) {
				for _, fh := range r.MultipartForm.File[k] {
					fs = append(fs, restField{name: k, file: fh})
				}
			}
		}
		in.fields = append(fs, in.fields...)
	default:
		return nil, restErr(http.StatusUnsupportedMediaType, "Unable to process input of type "+ct)
	}
	return in, nil
}

// queryFields splits a query string keeping the order of its fields
// (pagination links repeat them in order, as Roundup's do).
func queryFields(raw string) []restField {
	var out []restField
	for raw != "" {
		var kv string
		kv, raw, _ = strings.Cut(raw, "&")
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		k, err1 := url.QueryUnescape(k)
		v, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			continue
		}
		out = append(out, restField{name: k, value: v})
	}
	return out
}

func sortedFormKeys(v url.Values) []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortedFileKeys(m map[string][]*multipart.FileHeader) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// jsonFields reads a JSON object into fields: strings as they are,
// numbers and booleans as their text, arrays as lists, null as unset.
// An object value {"id": "4", ...} — how a GET shows a link — stands for
// its id, so a GET's attributes can be sent back as they came. An empty
// body is an empty object (Roundup: POE requests post nothing).
func jsonFields(b []byte) ([]restField, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, nil
	}
	bad := func(msg string) error {
		shown := string(b)
		if len(shown) > 2000 || !utf8.ValidString(shown) {
			shown = strings.ToValidUTF8(shown[:min(len(shown), 2000)], "?") + "..."
		}
		return restErr(http.StatusBadRequest, msg+". JSON is: "+shown)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return nil, bad(fmt.Sprintf("%s (at byte %d)", se.Error(), se.Offset))
		case errors.As(err, &te):
			return nil, bad("The JSON body must be an object of property names and values")
		}
		return nil, bad(err.Error())
	}
	if dec.More() {
		return nil, bad("Extra data after the JSON object")
	}
	if obj == nil {
		return nil, bad("The JSON body must be an object of property names and values")
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]restField, 0, len(keys))
	for _, k := range keys {
		f := restField{name: k}
		switch x := obj[k].(type) {
		case nil:
			f.null = true
		case []any:
			f.isList = true
			f.list = []string{}
			for _, e := range x {
				s, ok := jsonScalar(e)
				if !ok {
					return nil, bad(fmt.Sprintf("Value of %q: a list may hold only strings, numbers or {\"id\": ...} objects", k))
				}
				f.list = append(f.list, s)
			}
		default:
			s, ok := jsonScalar(x)
			if !ok {
				return nil, bad(fmt.Sprintf("Value of %q must be a string, number, boolean, list or null", k))
			}
			f.value = s
		}
		out = append(out, f)
	}
	return out, nil
}

func jsonScalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	case map[string]any:
		if id, ok := x["id"].(string); ok {
			return id, true
		}
	}
	return "", false
}
