package mailgw

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Differential tests against Roundup itself: with CORRAL_ROUNDUP_SRC
// naming a Roundup source tree (and python3 on the PATH), random subjects
// and bodies go through Roundup's parse_subject and parseContent and
// through ours. The only difference allowed is the one README's mail
// section documents: Roundup cuts the subject's argument list at a wrong
// offset, mangling the title. Skipped otherwise (CI has no Roundup).
//
//	CORRAL_ROUNDUP_SRC=$HOME/src/roundup go test ./mailgw -run Roundup -v

func roundup(t *testing.T, reqs [][]any) [][]any {
	t.Helper()
	var out [][]any
	for _, r := range roundupAny(t, reqs) {
		l, _ := r.([]any)
		out = append(out, l)
	}
	return out
}

// roundupAny runs the requests through testdata/roundup_diff.py.
func roundupAny(t *testing.T, reqs [][]any) []any {
	t.Helper()
	dir := os.Getenv("CORRAL_ROUNDUP_SRC")
	if dir == "" {
		t.Skip("CORRAL_ROUNDUP_SRC is not set")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3")
	}
	var in strings.Builder
	for _, r := range reqs {
		b, _ := json.Marshal(r)
		in.Write(append(b, '\n'))
	}
	cmd := exec.Command("python3", "testdata/roundup_diff.py", strings.Join(testClasses, ","))
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("running Roundup: %v\n%s", err, stderr)
	}
	var res []any
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

func TestRoundupSubjects(t *testing.T) {
	p := mustParser(t, "[]")
	pieces := []string{"Re:", "re ", "Fwd:", "AW: ", "sv-", " ", "\t", `"`, "[", "]", "issue", "Issue", "msg", "file", "12", "007",
		"=", ";", ",", "+", "-", "status", "closed", "é", "x", "[issue3]", "[status=open]", "[Build]", "[ issue 4 ]", "keyword", "_", "Réf:"}
	rng := rand.New(rand.NewPCG(9, 10))
	var subjects []string
	var reqs [][]any
	for i := 0; i < 20000; i++ {
		s := randomText(rng, pieces, 10)
		subjects = append(subjects, s)
		reqs = append(reqs, []any{"subject", s})
	}
	for i, w := range roundup(t, reqs) {
		s := p.Parse(subjects[i])
		args, hasArgs := w[6].(string)
		got := []any{s.Refwd, s.Quote, s.HasPrefix, s.Class, s.ID, s.Args, s.HasArgs}
		want := []any{w[0], w[1], w[2], w[3], w[4], args, hasArgs}
		for k := range got {
			if got[k] != want[k] {
				t.Fatalf("Parse(%q) = %v; Roundup %v", subjects[i], got, want)
			}
		}
		// Titles may differ only where Roundup's cut offset is wrong: when
		// an argument list was cut off.
		if s.Title != w[5] && !s.HasArgs {
			t.Fatalf("Parse(%q).Title = %q; Roundup %q", subjects[i], s.Title, w[5])
		}
	}
}

func TestRoundupBodies(t *testing.T) {
	r := mustBody(t)
	pieces := []string{"\n", "\n\n", " ", "\t", "> ", ">", "|", "text", "more words", ".", "!", "?", "-- ", "--",
		"-----Original Message-----", "é", "\u2003", "x", "\n \n", "wrote:", "From: a\nSent: b"}
	rng := rand.New(rand.NewPCG(7, 8))
	var bodies []string
	var reqs [][]any
	for i := 0; i < 5000; i++ {
		b := randomText(rng, pieces, 30)
		for _, keep := range []bool{true, false} {
			if !keep && strings.Contains(b, ":") {
				continue // Corral's Outlook and attribution rules apply
			}
			bodies = append(bodies, b)
			reqs = append(reqs, []any{"body", b, keep})
		}
	}
	for i, w := range roundup(t, reqs) {
		keep := reqs[i][2].(bool)
		sum, content := r.Clean(bodies[i], keep, false)
		if sum != w[0] || content != w[1] {
			t.Fatalf("Clean(%q, keep=%v) = %q, %q; Roundup %q, %q", bodies[i], keep, sum, content, w[0], w[1])
		}
	}
}

// randomMIME builds a random MIME tree of the parts the extraction rules
// care about.
func randomMIME(rng *rand.Rand, depth int) string {
	leaves := []string{
		"Content-Type: text/plain; charset=utf-8\n\nplain text é\n",
		"Content-Type: text/plain\n\n\n",
		"Content-Type: text/plain; name=\"notes.txt\"\nContent-Disposition: attachment; filename=\"notes.txt\"\n\nattached text\n",
		"Content-Type: text/html; charset=utf-8\n\n<p>html</p>\n",
		"Content-Type: application/pdf; name=\"a.pdf\"\nContent-Transfer-Encoding: base64\n\nJVBERi0=\n",
		"Content-Type: image/png\nContent-Disposition: attachment; filename*=utf-8''b%C3%BCd.png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n",
		"Content-Type: application/pgp-signature\n\nSIG\n",
		"Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nGr=FC=DFe\n",
	}
	if depth > 2 || rng.IntN(3) == 0 {
		return leaves[rng.IntN(len(leaves))]
	}
	if rng.IntN(6) == 0 {
		return "Content-Type: message/rfc822\n\nSubject: inner\nFrom: x@example.com\n" + randomMIME(rng, depth+1)
	}
	subtypes := []string{"mixed", "alternative", "signed", "related"}
	b := fmt.Sprintf("b%d%d", depth, rng.IntN(1000))
	var sb strings.Builder
	fmt.Fprintf(&sb, "Content-Type: multipart/%s; boundary=%q\n\n", subtypes[rng.IntN(len(subtypes))], b)
	for n := 1 + rng.IntN(3); n > 0; n-- {
		sb.WriteString("--" + b + "\n" + randomMIME(rng, depth+1))
	}
	sb.WriteString("--" + b + "--\n")
	return sb.String()
}

func TestRoundupMIME(t *testing.T) {
	if os.Getenv("CORRAL_ROUNDUP_SRC") == "" {
		t.Skip("CORRAL_ROUNDUP_SRC is not set")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	var msgs []string
	var reqs [][]any
	for i := 0; i < 2000; i++ {
		m := "From: a@example.com\nSubject: s\nMIME-Version: 1.0\n" + randomMIME(rng, 0)
		ig, un := rng.IntN(2) == 0, rng.IntN(2) == 0
		msgs = append(msgs, m)
		reqs = append(reqs, []any{"mime", m, ig, un})
	}
	for i, w := range roundup(t, reqs) {
		e := &Extractor{IgnoreAlternatives: reqs[i][2].(bool), UnpackRFC822: reqs[i][3].(bool)}
		body, atts := e.Extract(ParsePart([]byte(msgs[i])))
		wantBody, wantHas := w[0].(string)
		if (body != nil) != wantHas || (body != nil && *body != wantBody) {
			t.Fatalf("message %d: body %v; Roundup %q\n%s", i, deref(body), w[0], msgs[i])
		}
		var got, want []string
		wantAtts := w[1].([]any)
		for k, a := range atts {
			data := string(a.Data)
			if k < len(wantAtts) && strings.HasPrefix(wantAtts[k].([]any)[2].(string), "base64:") {
				data = "base64:" + base64.StdEncoding.EncodeToString(a.Data)
			}
			if a.Type == "message/rfc822" {
				data = "(message)" // Roundup re-serialises; Corral keeps the bytes
			}
			got = append(got, a.Name+"|"+a.Type+"|"+data)
		}
		for _, a := range wantAtts {
			f := a.([]any)
			data := f[2].(string)
			if f[1] == "message/rfc822" {
				data = "(message)"
			}
			want = append(want, f[0].(string)+"|"+f[1].(string)+"|"+data)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("message %d: attachments\n%q\nRoundup\n%q\n%s", i, got, want, msgs[i])
		}
	}
}

func deref(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func TestRoundupHeaders(t *testing.T) {
	if os.Getenv("CORRAL_ROUNDUP_SRC") == "" {
		t.Skip("CORRAL_ROUNDUP_SRC is not set")
	}
	pieces := []string{"=?utf-8?q?caf=C3=A9?=", "=?iso-8859-1?b?R3L832U=?=", " ", "  ", "(", ")", "plain", "[issue1]",
		"=?utf-8?b?w6k=?=", "=?UTF-8?Q?a_b?=", "x", "\t"}
	rng := rand.New(rand.NewPCG(13, 14))
	var vals []string
	var reqs [][]any
	for i := 0; i < 5000; i++ {
		v := strings.TrimLeft(randomText(rng, pieces, 8), " \t")
		vals = append(vals, v)
		reqs = append(reqs, []any{"header", v})
	}
	for i, r := range roundupAny(t, reqs) {
		w, ok := r.(string)
		if !ok {
			continue // Roundup failed (unexpected-error bounce)
		}
		if got := DecodeHeader(vals[i]); got != w {
			t.Errorf("DecodeHeader(%q) = %q; Roundup %q", vals[i], got, w)
		}
	}
}
