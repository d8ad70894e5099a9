package schemafile

// The syntax tree of schema.py and initial_data.py, and the tables of
// refused statements and Python keywords the parser uses.

// The syntax tree of the accepted subset. Every node knows its line.
type (
	node interface{ pos() int }

	nameNode struct {
		line int
		name string
	}
	constNode struct {
		line int
		val  any // string, int64, float64, bool, nil
	}
	attrNode struct {
		line int
		x    node
		name string
	}
	callNode struct {
		line int
		fn   node
		args []node
		kws  []kwNode
	}
	kwNode struct {
		line int
		name string
		val  node
	}
	seqNode struct { // tuple or list display
		line  int
		tuple bool
		elts  []node
	}
	dictNode struct {
		line       int
		keys, vals []node
	}
	addNode struct { // x + y
		line int
		x, y node
	}
	negNode struct { // -x or +x
		line int
		neg  bool
		x    node
	}
)

func (n *nameNode) pos() int  { return n.line }
func (n *constNode) pos() int { return n.line }
func (n *attrNode) pos() int  { return n.line }
func (n *callNode) pos() int  { return n.line }
func (n *seqNode) pos() int   { return n.line }
func (n *dictNode) pos() int  { return n.line }
func (n *addNode) pos() int   { return n.line }
func (n *negNode) pos() int   { return n.line }

// stmt is one statement: `targets = expr` (targets empty for an
// expression statement).
type stmt struct {
	line    int
	targets []string
	expr    node
}

// Hints for the refused statements (docs/schema-files.md).
const (
	hintDef    = `Python functions are not run: use a named check, check="creator" — see docs/schema-files.md`
	hintLoop   = "loops are not run: write the lines out"
	hintIf     = "conditions are not run: keep the lines that apply"
	hintClass  = "declare classes with Class(db, NAME, prop=Type(), ...)"
	hintImport = "only `from roundup... import ...` lines are accepted (and ignored)"
	hintDocs   = "see docs/schema-files.md for the accepted subset"
)

var refusedStmt = map[string]string{
	"def":      "def is not supported: " + hintDef,
	"async":    "async is not supported: " + hintDef,
	"lambda":   "lambda is not supported: " + hintDef,
	"for":      "for is not supported: " + hintLoop,
	"while":    "while is not supported: " + hintLoop,
	"if":       "if is not supported: " + hintIf,
	"elif":     "elif is not supported: " + hintIf,
	"else":     "else is not supported: " + hintIf,
	"class":    "class is not supported: " + hintClass,
	"import":   "import is not supported: " + hintImport,
	"global":   "global is not supported: there are no functions, assign names at the top level",
	"nonlocal": "nonlocal is not supported: there are no functions, assign names at the top level",
}

// keywords are Python's reserved words; those not handled by the parser
// are refused where they appear.
var keywords = map[string]bool{
	"False": true, "None": true, "True": true, "and": true, "as": true,
	"assert": true, "async": true, "await": true, "break": true,
	"class": true, "continue": true, "def": true, "del": true, "elif": true,
	"else": true, "except": true, "finally": true, "for": true,
	"from": true, "global": true, "if": true, "import": true, "in": true,
	"is": true, "lambda": true, "nonlocal": true, "not": true, "or": true,
	"pass": true, "raise": true, "return": true, "try": true,
	"while": true, "with": true, "yield": true,
}
