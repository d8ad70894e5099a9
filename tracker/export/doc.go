// Package export reads and writes Roundup 2.x's export format, the
// directory `roundup-admin export DIR` writes and `roundup-admin import
// DIR` reads, so a Roundup tracker can move to Corral (and back) the way
// Roundup's "Migrating backends" moves it between databases. The
// `corral-admin export/exporttables/import/importtables` commands call
// Export and Import.
//
// # Layout
//
// For every class (roundup/admin.py do_export):
//
//	DIR/CLASS.csv              a header, then one row per item (retired ones included)
//	DIR/CLASS-journals.csv     one row per journal entry, no header
//	DIR/CLASS-files/N/CLASSID  FileClass content of item ID, N = ID div 1000
//	                           (msg-files/0/msg1, msg-files/12/msg12345);
//	                           written and read only with Options.Files
//	                           (export/import, not exporttables/importtables)
//
// Both CSV files use Python's csv module "excel" dialect with ':' as the
// delimiter and "\n" line ends: a field is double-quoted when it holds
// ':', '"', '\r' or '\n', and a '"' inside is doubled.
//
// CLASS.csv's header is every property name, the automatic ones (activity,
// actor, creation, creator, id) and computed reverse multilinks included,
// sorted, then "is retired" (hyperdb.py export_propnames); a FileClass
// leaves out "content", whose bytes go to CLASS-files instead
// (hyperdb.py FileClass.export_propnames). Rows of a class with a key
// property are sorted by key, retired items before an active one with the
// same key, others by id (admin.py do_export). Each field is
// repr_export() (roundup/anypy/strings.py) of the value
// rdbms_common.py's export_list produces:
//
//	String     repr of its UTF-8 bytes: 'Caf\xc3\xa9', "it's"
//	Link       the id as a string: '4'
//	Multilink  a list of id strings in id order: ['1', '6'], or []
//	Date       date.Date.get_tuple(), UTC: (2026, 11, 25, 15, 29, 41.458, 0, 0, 0)
//	Interval   date.Interval.get_tuple(): (sign, y, m, d, H, M, S) = (1, 0, 0, 3, 0, 0, 0)
//	Password   the stored hash: '{PBKDF2S5}250000$salt$hash'
//	Number     a Python float: 1.0, 0.25
//	Integer    an int: 42
//	Boolean    1 or 0 (Roundup's SQL backends hand back ints: back_sqlite.py
//	           and rdbms_common.py _bool_cvt); Import also reads True/False
//	unset      None
//	is retired True or False
//
// CLASS-journals.csv rows are nodeid:date:userid:action:params
// (rdbms_common.py export_journals), e.g.
//
//	'1':(2026, 11, 25, 15, 29, 41.458, 0, 0, 0):'1':'create':{}
//	'1':(...):'2':'set':"{'assignedto': None, 'nosy': (('+', ['3']), ('-', ['4'])), 'status': '1'}"
//	'3':(...):'1':'link':"('issue', '1', 'keyword')"
//	'3':(...):'1':'retired':None
//
// "create" params are {}; "set" params are a dict of the OLD values,
// typed as in CLASS.csv, except that Multilink changes are a tuple of
// ('+', added) then ('-', removed) (rdbms_common.py Class.set_inner) and
// passwords are "{SCHEME}*encrypted*" (password.py JournalPassword);
// properties no longer in the schema are left out; "link"/"unlink" params
// are (class, id, property) of the item that gained or lost the link;
// "retired"/"restored" params are None. Rows come per item in id order,
// each item's entries by date.
//
// # Import
//
// Import is Roundup's do_import for an empty tracker: it reads every
// CLASS.csv in DIR (the selected ones), keeps ids, creation, activity,
// creator, actor, the retired flag, password hashes, journals and
// contents, indexes text, runs no auditors or reactors, and makes new ids
// continue after the imported ones. Everything happens in one transaction:
// an error leaves the tracker as it was. Roundup's import overwrites items
// with the same id in a tracker that already holds data; Import refuses
// instead when a class it imports already has items, because a half-merged
// tracker (initialise's admin and lookup values next to the imported ones)
// is never what "Migrating backends" wants: install the home, then import,
// without initialise.
//
// Import also reads what older Roundups wrote: Python 2 longs (5002L) for
// ids, True/False or ints for Booleans, ints for Numbers, whole-second
// dates, six-element interval tuples, date and interval spec strings,
// full password hashes in journals (kept as "{SCHEME}*encrypted*", as
// import_journals does), "create" entries carrying values (dropped), and
// files in any row order (keyed classes get their retired items first,
// journals are sorted per item by date). Like import_list it needs the
// "id" column and rejects columns and journalled properties the schema
// lacks. Without Options.Files (importtables) FileClass items get empty
// contents: Corral keeps contents in the database, so there is no db/files
// directory left behind to keep them, as Roundup's in-place migration has.
package export
