package ircgw

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// RequestError reports an irker request that was dropped as a whole. Its
// Reason is irkerd's log message for the same input (specs/irkerd.md §4),
// so operators grepping irkerd logs find the same words.
type RequestError struct {
	Reason string
	Input  string // the offending input, shortened for logs
}

// Error returns the reason and the input, as irkerd logs them.
func (e *RequestError) Error() string {
	return fmt.Sprintf("%s: %s", e.Reason, e.Input)
}

// request is one parsed irker request: its usable targets, the targets it
// had to skip, and the message.
type request struct {
	targets []Target
	skipped []error
	text    string
}

// parseRequests decodes the irker JSON objects in one TCP line or UDP
// datagram. irkerd takes exactly one object per line; several objects
// written back to back (as irker's own irk does with "-" on stdin) are
// accepted here too, each its own request. A decoding error drops the rest
// of the line. It returns the requests parsed so far and that error.
func parseRequests(line []byte) ([]request, error) {
	line = bytes.TrimSpace(line)
	if !utf8.Valid(line) {
		// irkerd decodes strictly before parsing and loses the rest of
		// the TCP connection; here only this line is dropped.
		return nil, &RequestError{Reason: "invalid UTF-8 on input", Input: clip(line)}
	}
	if len(line) == 0 {
		return nil, &RequestError{Reason: "can't recognize JSON on input", Input: "''"}
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	var reqs []request
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return reqs, nil
		}
		if err != nil {
			return reqs, &RequestError{Reason: "can't recognize JSON on input", Input: clip(line)}
		}
		r, err := parseRequest(raw)
		if err != nil {
			return reqs, err
		}
		reqs = append(reqs, r)
	}
}

// parseRequest checks one decoded JSON value the way irkerd's
// _parse_request does: an object with a "to" (URL string or list of them)
// and a "privmsg" string; other keys are ignored. Bad URLs in the list are
// reported in skipped and do not stop the others.
func parseRequest(raw json.RawMessage) (request, error) {
	var obj map[string]json.RawMessage
	if firstByte(raw) != '{' || json.Unmarshal(raw, &obj) != nil {
		return request{}, &RequestError{Reason: "request is not a JSON dictionary", Input: clip(raw)}
	}
	to, okTo := obj["to"]
	msg, okMsg := obj["privmsg"]
	if !okTo || !okMsg {
		return request{}, &RequestError{Reason: "malformed request - 'to' or 'privmsg' missing", Input: clip(raw)}
	}
	var urls []json.RawMessage
	switch firstByte(to) {
	case '"':
		urls = []json.RawMessage{to}
	case '[':
		if err := json.Unmarshal(to, &urls); err != nil {
			return request{}, &RequestError{Reason: "malformed request - unexpected channel type", Input: clip(to)}
		}
	default:
		return request{}, &RequestError{Reason: "malformed request - unexpected channel type", Input: clip(to)}
	}
	var r request
	if firstByte(msg) != '"' || json.Unmarshal(msg, &r.text) != nil {
		return request{}, &RequestError{Reason: "malformed request - unexpected message type", Input: clip(msg)}
	}
	for _, u := range urls {
		var s string
		if firstByte(u) != '"' || json.Unmarshal(u, &s) != nil {
			r.skipped = append(r.skipped, &TargetError{URL: string(u), Reason: "malformed request - URL has unexpected type"})
			continue
		}
		t, err := ParseTarget(s)
		if err != nil {
			r.skipped = append(r.skipped, err)
			continue
		}
		r.targets = append(r.targets, t)
	}
	return r, nil
}

func firstByte(b []byte) byte {
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 {
		return 0
	}
	return b[0]
}

// clip shortens input for a log line.
func clip(b []byte) string {
	const max = 200
	if len(b) > max {
		return fmt.Sprintf("%q...(%d bytes)", b[:max], len(b))
	}
	return fmt.Sprintf("%q", b)
}
