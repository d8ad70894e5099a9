package detectors

import (
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

// Tests of the file detectors: patches (type), textplain, no_texthtml.
func TestFileTypes(t *testing.T) {
	tests := []struct {
		name     string
		detector string
		file     raw
		set      raw // then this change, when not nil
		want     string
	}{
		{"diff", "patches", raw{"name": "fix.diff", "type": "application/x-diff", "content": "x"}, nil, "text/plain"},
		{"patch", "patches", raw{"name": "dir/fix.patch", "type": "application/octet-stream", "content": "x"}, nil, "text/plain"},
		{"python", "patches", raw{"name": "test_x.py", "type": "text/x-python", "content": "x"}, nil, "text/plain"},
		{"other", "patches", raw{"name": "notes.txt", "type": "text/x-notes", "content": "x"}, nil, "text/x-notes"},
		{"dot file", "patches", raw{"name": ".diff", "type": "application/x-diff", "content": "x"}, nil, "application/x-diff"},
		{"upper case", "patches", raw{"name": "FIX.DIFF", "type": "application/x-diff", "content": "x"}, nil, "application/x-diff"},
		{"octet-stream text", "textplain", raw{"name": "log", "type": "application/octet-stream", "content": "line 1\r\n\tline 2\f\n"}, nil, "text/plain"},
		{"octet-stream utf-8", "textplain", raw{"name": "log", "type": "application/octet-stream", "content": "Grüße\n"}, nil, "text/plain"},
		{"octet-stream control", "textplain", raw{"name": "bin", "type": "application/octet-stream", "content": "ELF\x00\x01"}, nil, "application/octet-stream"},
		{"octet-stream not utf-8", "textplain", raw{"name": "bin", "type": "application/octet-stream", "content": "caf\xe9"}, nil, "application/octet-stream"},
		{"other type", "textplain", raw{"name": "a.png", "type": "image/png", "content": "text"}, nil, "image/png"},
		{"html", "no_texthtml", raw{"name": "a.html", "type": "text/html", "content": "<b>x</b>"}, nil, "text/plain"},
		{"html short", "no_texthtml", raw{"name": "a.html", "type": "html", "content": "x"}, nil, "text/plain"},
		{"x-html", "no_texthtml", raw{"name": "a.html", "type": "text/x-html", "content": "x"}, nil, "text/plain"},
		{"html later", "no_texthtml", raw{"name": "a.txt", "type": "text/plain", "content": "x"}, raw{"type": "text/html"}, "text/plain"},
		{"xhtml kept", "no_texthtml", raw{"name": "a.xhtml", "type": "application/xhtml+xml", "content": "x"}, nil, "application/xhtml+xml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "python-dev", setup{names: []string{tc.detector}})
			id := e.create(tracker.AdminID, "file", tc.file)
			if tc.set != nil {
				e.set(tracker.AdminID, "file", id, tc.set)
			}
			if got := e.show("file", id, "type"); got != tc.want {
				t.Errorf("file%s type = %q, want %q", id, got, tc.want)
			}
		})
	}
}

func TestPatchKeyword(t *testing.T) {
	tests := []struct {
		name   string
		create raw
		files  []string // names of files to link in a later change
		want   string
	}{
		{"patch on create", raw{"title": "t", "files": "fix.patch"}, nil, "patch"},
		{"diff later", raw{"title": "t", "keywords": "easy"}, []string{"notes.txt", "fix.diff"}, "easy, patch"},
		{"python file is no patch", raw{"title": "t"}, []string{"repro.py"}, ""},
		{"already there", raw{"title": "t", "keywords": "patch"}, []string{"fix.diff"}, "patch"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "python-dev", setup{names: []string{"patches"}})
			file := func(name string) string {
				return e.create(tracker.AdminID, "file", raw{"name": name, "type": "text/plain", "content": "x"})
			}
			create := raw{}
			for k, v := range tc.create {
				create[k] = v
			}
			if f, ok := create["files"]; ok {
				create["files"] = file(f)
			}
			id := e.create(tracker.AdminID, "issue", create)
			if tc.files != nil {
				var ids []string
				for _, f := range tc.files {
					ids = append(ids, file(f))
				}
				e.set(tracker.AdminID, "issue", id, raw{"files": "+" + joinIDs(ids)})
			}
			if got := e.show("issue", id, "keywords"); got != tc.want {
				t.Errorf("issue%s keywords = %q, want %q", id, got, tc.want)
			}
		})
	}
}
