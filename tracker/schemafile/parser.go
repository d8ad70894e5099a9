package schemafile

import (
	"fmt"
	"strings"
)

type parser struct {
	file string
	toks []token
	i    int
}

// parse tokenizes and parses a whole file, stopping at the first error.
func parse(file, src string) ([]stmt, error) {
	toks, err := lex(file, src)
	if err != nil {
		return nil, err
	}
	p := &parser{file: file, toks: toks}
	var out []stmt
	for p.peek().kind != tEOF {
		s, ok, err := p.statement()
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, s)
		}
	}
	return out, nil
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }

func (p *parser) isOp(op string) bool {
	t := p.toks[p.i]
	return t.kind == tOp && t.text == op
}

func (p *parser) isName(name string) bool {
	t := p.toks[p.i]
	return t.kind == tName && t.text == name
}

func (p *parser) errAt(line int, format string, args ...any) error {
	return &Error{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) expect(op string) error {
	if !p.isOp(op) {
		t := p.peek()
		return p.errAt(t.line, "invalid syntax: expected '%s', found %s", op, t)
	}
	p.i++
	return nil
}

// statement parses one simple statement and its terminator. ok is false
// for statements that do nothing (pass, accepted imports).
func (p *parser) statement() (s stmt, ok bool, err error) {
	t := p.peek()
	if t.indent {
		return s, false, p.errAt(t.line, "unexpected indent")
	}
	if t.kind == tOp && t.text == ";" {
		return s, false, p.errAt(t.line, "invalid syntax: unexpected ';'")
	}
	if t.kind == tName && keywords[t.text] {
		switch t.text {
		case "True", "False", "None", "not", "lambda":
			// expressions; not and lambda are refused there
		case "pass":
			p.i++
			return s, false, p.endStatement()
		case "from":
			return s, false, p.fromImport()
		default:
			if msg, ok := refusedStmt[t.text]; ok {
				return s, false, p.errAt(t.line, "%s", msg)
			}
			return s, false, p.errAt(t.line, "%s statements are not supported: %s", t.text, hintDocs)
		}
	}
	s.line = t.line
	x, err := p.exprList()
	if err != nil {
		return s, false, err
	}
	for p.isOp("=") {
		eq := p.next()
		switch tx := x.(type) {
		case *nameNode:
			s.targets = append(s.targets, tx.name)
		case *constNode:
			return s, false, p.errAt(eq.line, "cannot assign to %s", Repr(tx.val))
		case *attrNode:
			return s, false, p.errAt(eq.line, "attribute assignment is not supported: only NAME = ... assignments are accepted (%s)", hintDocs)
		case *seqNode:
			return s, false, p.errAt(eq.line, "tuple assignment is not supported: assign one name per line")
		default:
			return s, false, p.errAt(eq.line, "cannot assign to an expression: only NAME = ... assignments are accepted")
		}
		if x, err = p.exprList(); err != nil {
			return s, false, err
		}
	}
	if t := p.peek(); t.kind == tOp && strings.HasSuffix(t.text, "=") && len(t.text) > 1 && t.text != "==" && t.text != "!=" && t.text != "<=" && t.text != ">=" && t.text != ":=" {
		return s, false, p.errAt(t.line, "augmented assignment %s is not supported: write NAME = NAME + ...", t.text)
	}
	if p.isOp(":") {
		return s, false, p.errAt(p.peek().line, "annotations are not supported: write NAME = value")
	}
	s.expr = x
	return s, true, p.endStatement()
}

func (p *parser) endStatement() error {
	t := p.peek()
	switch {
	case t.kind == tNewline:
		p.i++
	case t.kind == tOp && t.text == ";":
		p.i++
		if p.peek().kind == tNewline {
			p.i++
		}
	case t.kind == tEOF:
	default:
		return p.unexpected(t)
	}
	return nil
}

func (p *parser) unexpected(t token) error {
	if t.kind == tName && (t.text == "if" || t.text == "for") {
		return p.errAt(t.line, "%s inside an expression is not supported: %s", t.text, hintDocs)
	}
	if t.kind == tName && (t.text == "and" || t.text == "or" || t.text == "in" || t.text == "is" || t.text == "not") ||
		t.kind == tOp && t.text != ")" && t.text != "]" && t.text != "}" && t.text != "," && t.text != ":" && t.text != "=" {
		return p.errAt(t.line, "operator %s is not supported: only + between strings, tuples or lists", t.text)
	}
	return p.errAt(t.line, "invalid syntax: unexpected %s", t)
}

// fromImport accepts `from roundup[.x...] import names` and nothing else.
func (p *parser) fromImport() error {
	from := p.next()
	var mod []string
	for {
		t := p.next()
		if t.kind != tName {
			return p.errAt(from.line, "import is not supported: %s", hintImport)
		}
		mod = append(mod, t.text)
		if !p.isOp(".") {
			break
		}
		p.i++
	}
	if mod[0] != "roundup" {
		return p.errAt(from.line, "import from %s is not supported: %s", strings.Join(mod, "."), hintImport)
	}
	if !p.isName("import") {
		return p.errAt(p.peek().line, "invalid syntax: expected import")
	}
	p.i++
	paren := p.isOp("(")
	if paren {
		p.i++
	}
	for {
		t := p.peek()
		switch {
		case t.kind == tName || t.kind == tOp && (t.text == "," || t.text == "*"):
			p.i++
			continue
		case paren && t.kind == tOp && t.text == ")":
			p.i++
			paren = false
			continue
		}
		break
	}
	if paren {
		return p.errAt(p.peek().line, "invalid syntax: expected ')'")
	}
	return p.endStatement()
}

// exprList parses `expr` or a bare tuple `expr, expr[,]`.
func (p *parser) exprList() (node, error) {
	line := p.peek().line
	x, err := p.expr()
	if err != nil || !p.isOp(",") {
		return x, err
	}
	elts := []node{x}
	for p.isOp(",") {
		p.i++
		if t := p.peek(); t.kind == tNewline || t.kind == tEOF || t.kind == tOp && (t.text == "=" || t.text == ";") {
			break
		}
		if x, err = p.expr(); err != nil {
			return nil, err
		}
		elts = append(elts, x)
	}
	return &seqNode{line: line, tuple: true, elts: elts}, nil
}

// expr parses a sum of unary terms joined by +.
func (p *parser) expr() (node, error) {
	x, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.isOp("+") {
		line := p.next().line
		y, err := p.unary()
		if err != nil {
			return nil, err
		}
		x = &addNode{line: line, x: x, y: y}
	}
	return x, nil
}

func (p *parser) unary() (node, error) {
	t := p.peek()
	if t.kind == tOp && (t.text == "-" || t.text == "+") {
		p.i++
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &negNode{line: t.line, neg: t.text == "-", x: x}, nil
	}
	x, err := p.atom()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		switch {
		case t.kind == tOp && t.text == ".":
			p.i++
			n := p.next()
			if n.kind != tName || keywords[n.text] {
				return nil, p.errAt(n.line, "invalid syntax: expected a name after '.', found %s", n)
			}
			x = &attrNode{line: n.line, x: x, name: n.text}
		case t.kind == tOp && t.text == "(":
			if x, err = p.call(x); err != nil {
				return nil, err
			}
		case t.kind == tOp && t.text == "[":
			return nil, p.errAt(t.line, "subscripts are not supported: %s", hintDocs)
		default:
			return x, nil
		}
	}
}

func (p *parser) call(fn node) (node, error) {
	open := p.next()
	c := &callNode{line: open.line, fn: fn}
	if n, ok := fn.(*attrNode); ok {
		c.line = n.line
	}
	seen := map[string]bool{}
	for !p.isOp(")") {
		t := p.peek()
		if t.kind == tOp && (t.text == "*" || t.text == "**") {
			return nil, p.errAt(t.line, "%sarguments are not supported: write the arguments out", t.text)
		}
		if t.kind == tName && !keywords[t.text] && p.toks[p.i+1].kind == tOp && p.toks[p.i+1].text == "=" {
			p.i += 2
			if seen[t.text] {
				return nil, p.errAt(t.line, "keyword argument repeated: %s", t.text)
			}
			seen[t.text] = true
			v, err := p.expr()
			if err != nil {
				return nil, err
			}
			c.kws = append(c.kws, kwNode{line: t.line, name: t.text, val: v})
		} else {
			if len(c.kws) > 0 {
				return nil, p.errAt(t.line, "positional argument follows keyword argument")
			}
			v, err := p.expr()
			if err != nil {
				return nil, err
			}
			c.args = append(c.args, v)
		}
		if p.isOp(",") {
			p.i++
			continue
		}
		if !p.isOp(")") {
			return nil, p.unexpected(p.peek())
		}
	}
	p.i++
	return c, nil
}

func (p *parser) atom() (node, error) {
	t := p.next()
	switch t.kind {
	case tNumber:
		return &constNode{line: t.line, val: t.val}, nil
	case tString:
		s, bytes := t.val.(string), t.bytes
		for p.peek().kind == tString {
			u := p.next()
			if u.bytes != bytes {
				return nil, p.errAt(u.line, "cannot mix bytes and nonbytes literals")
			}
			s += u.val.(string)
		}
		return &constNode{line: t.line, val: s}, nil
	case tName:
		switch t.text {
		case "True":
			return &constNode{line: t.line, val: true}, nil
		case "False":
			return &constNode{line: t.line, val: false}, nil
		case "None":
			return &constNode{line: t.line, val: nil}, nil
		case "lambda":
			return nil, p.errAt(t.line, "%s", refusedStmt["lambda"])
		case "not":
			return nil, p.errAt(t.line, "operator not is not supported: %s", hintDocs)
		}
		if keywords[t.text] {
			return nil, p.errAt(t.line, "invalid syntax: unexpected keyword %s", t.text)
		}
		return &nameNode{line: t.line, name: t.text}, nil
	case tOp:
		switch t.text {
		case "(":
			return p.display(t, ")", true)
		case "[":
			return p.display(t, "]", false)
		case "{":
			return p.dict(t)
		}
	}
	p.i--
	return nil, p.unexpected(t)
}

// display parses the rest of a parenthesized expression, tuple or list.
func (p *parser) display(open token, close string, paren bool) (node, error) {
	seq := &seqNode{line: open.line, tuple: paren}
	comma := false
	for !p.isOp(close) {
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		seq.elts = append(seq.elts, x)
		if p.isName("for") {
			return nil, p.errAt(p.peek().line, "comprehensions are not supported: %s", hintLoop)
		}
		if !p.isOp(",") {
			if !p.isOp(close) {
				return nil, p.unexpected(p.peek())
			}
			break
		}
		comma = true
		p.i++
	}
	p.i++
	if paren && len(seq.elts) == 1 && !comma {
		return seq.elts[0], nil // plain parentheses
	}
	return seq, nil
}

func (p *parser) dict(open token) (node, error) {
	d := &dictNode{line: open.line}
	for !p.isOp("}") {
		if p.isOp("**") {
			return nil, p.errAt(p.peek().line, "**arguments are not supported: write the items out")
		}
		k, err := p.expr()
		if err != nil {
			return nil, err
		}
		if !p.isOp(":") {
			if p.isOp(",") || p.isOp("}") {
				return nil, p.errAt(p.peek().line, "set literals are not supported: use a tuple or list")
			}
			return nil, p.unexpected(p.peek())
		}
		p.i++
		v, err := p.expr()
		if err != nil {
			return nil, err
		}
		d.keys, d.vals = append(d.keys, k), append(d.vals, v)
		if p.isName("for") {
			return nil, p.errAt(p.peek().line, "comprehensions are not supported: %s", hintLoop)
		}
		if !p.isOp(",") {
			if !p.isOp("}") {
				return nil, p.unexpected(p.peek())
			}
			break
		}
		p.i++
	}
	p.i++
	return d, nil
}
