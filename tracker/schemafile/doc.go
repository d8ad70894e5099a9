// Package schemafile reads a tracker home's schema.py and initial_data.py
// without running Python, and parses and writes the Python literals of
// Roundup's export format.
//
// Roundup executes schema.py with exec() (roundup/instance.py) to declare
// the tracker's classes, properties, roles and permissions, and runs
// initial_data.py once at `roundup-admin initialise` to create the first
// items. Corral reads both files instead (DESIGN.md §2): a small
// tokenizer and parser accept the subset of Python that Roundup trackers
// use to declare things — assignments, calls with keyword arguments,
// attribute access, string/number/bool/None literals, tuples, lists,
// dicts and `+` — and an evaluator gives the Roundup calls
// (`Class(db, ...)`, `setkey`, `db.security.addPermission`, ...) their
// meaning on a tracker.Schema. Everything else (`def`, loops, `if`,
// `import`, unknown functions) is refused with an error naming the file
// and line and saying what to write instead; docs/schema-files.md is the
// reference for the accepted subset and the named permission checks that
// replace Python check functions.
//
// The same literal grammar reads Roundup's export files (`roundup-admin
// export`): ParseLiteral reads one field as Roundup's eval_import does
// (roundup/anypy/strings.py) and Repr writes one as repr_export does.
package schemafile
