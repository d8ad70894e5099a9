package main

// The help text of each command: roundup-admin's docstrings (Roundup 2.6
// roundup/admin.py) as Python 3.13 prints them, adapted where Corral
// differs. The first line is the usage line `help commands` lists and a
// usage error repeats.

const docCommit = `Usage: commit
Commit changes made to the database during an interactive session.

The changes made during an interactive session are not
automatically written to the database - they must be committed
using this command.

One-off commands on the command-line are automatically committed if
they are successful.
`

const docCreate = `Usage: create classname property=value ...
Create a new entry of a given class.

This creates a new entry of the given class using the property
name=value arguments provided on the command line after the "create"
command.
`

const docDisplay = `Usage: display designator[,designator]*
Show the property values for the given node(s).

A designator is a classname and a nodeid concatenated,
eg. bug1, user10, ...

This lists the properties and their associated values
for the given node.
`

const docExport = `Usage: export [[-]class[,class]] export_dir
Export the database and file content.

Database content is exported to colon separated files.
To exclude the files (e.g. for the msg or file class),
use the exporttables command.

Optionally limit the export to just the named classes
or exclude the named classes, if the 1st argument
starts with '-'.

This action exports the current data from the database into
colon-separated-value files that are placed in the nominated
export_dir directory.
`

const docExporttables = `Usage: exporttables [[-]class[,class]] export_dir
Export only the database to files, no file content.

Database content is exported to colon separated files.
The content of files and messages (kept in the database
by Corral) is not part of the export.
To include the files, use the export command.

Optionally limit the export to just the named classes
or exclude the named classes, if the 1st argument
starts with '-'.

This action exports the current data from the database into
colon-separated-value files that are placed in the export_dir
destination directory.
`

const docFilter = `Usage: filter classname propname=value ...
Find the nodes of the given class with a given property value.

Find the nodes of the given class with a given property value.
Multiple values can be specified by separating them with commas.
If property is a string, all values must match. I.E. it's an
'and' operation. If the property is a link/multilink any value
matches. I.E. an 'or' operation.
`

const docFind = `Usage: find classname propname=value ...
Find the nodes of the given class with a given link property value.

Find the nodes of the given class with a given link property value.
The value may be either the nodeid of the linked node, or its key
value.
`

const docGenconfig = `Usage: genconfig filename
Create a new tracker config file with default values in filename.
See also updateconfig.
`

const docGet = `Usage: get property designator[,designator]*
Get the given property of one or more designator(s).

A designator is a classname and a nodeid concatenated,
eg. bug1, user10, ...

Retrieves the property value of the nodes specified
by the designators.
`

const docHelp = `Usage: help topic
Give help about topic.

commands  -- list commands
<command> -- help specific to a command
initopts  -- init command options
all       -- all available help
`

const docHistory = `Usage: history designator [skipquiet] [raw]
Show the history entries of a designator.

A designator is a classname and a nodeid concatenated,
eg. bug1, user10, ...

Lists the journal entries viewable by the user for the node
identified by the designator. If skipquiet is added, journal
entries for quiet properties are not shown. If raw is added,
the output is the raw representation of the journal entries.
`

const docImport = `Usage: import import_dir
Import a database and file contents from the directory.

The directory should have the same format as one containing
the output of export. There are two files imported per class.
The files used in the import are:

<class>.csv
  This must define the same properties as the class
  (including having a "header" line with those
  property names.)

<class>-journals.csv
 This defines the journals for the items
 being imported.

The imported nodes will have the same nodeid as defined in the
import file, thus replacing any existing content.

The new nodes are added to the existing database - if you want to
create a new database using the imported data, then create a new
database (or, tediously, retire all the old data.)
`

const docImporttables = `Usage: importtables export_dir
This imports the database tables exported using exporttables.

It does not import the content of files like msgs and files.
`

const docInitialise = `Usage: initialise [adminpw]
Initialise a new Corral tracker.

The administrator details will be set at this step.

Creates the tracker's database and loads initial_data.py.
An existing database is erased only after confirmation
(or with -y, before or after the command name).
`

const docInstall = `Usage: install [template [backend [key=val[,key=val]]]]
Install a new Corral tracker.

The command will prompt for the tracker home directory
(if not supplied through TRACKER_HOME or the -i option).
The template and backend may be specified on the command-line
as arguments, in that order.

Command line arguments following the backend allows you to
pass initial values for config options.  For example, passing
"web_http_auth=no,rdbms_user=dinsdale" will override defaults
for options http_auth in section [web] and user in section [rdbms].
Please be careful to not use spaces in this argument! (Enclose
whole argument in quotes if you need spaces in option value).

The initialise command must be called after this command in order
to initialise the tracker's database. You may edit the tracker's
initial database contents before running that command by editing
the tracker's initial_data.py file.

See also initopts help.
`

const docList = `Usage: list classname [property]
List the instances of a class.

Lists all instances of the given class. If the property is not
specified, the  "label" property is used. The label property is
tried in order: the key, "name", "title" and then the first
property, alphabetically.

With -c, -S or -s print a list of item id's if no property
specified.  If property specified, print list of that property
for every class instance.
`

const docMigrate = `Usage: migrate
Update a tracker's database to be compatible with the Corral
codebase.

You should run the "migrate" command for your tracker once
you've installed the latest codebase.

Do this before you use the web, command-line or mail interface
and before any users access the tracker.

This command will respond with either "Tracker updated" (and the
changes made to the database's tables to match schema.py and the
installed codebase) or "No migration action required" (if you have
run it, or have used another interface to the tracker).

It's safe to run this even if it's not required, so just get
into the habit.
`

const docPack = `Usage: pack period | date
Remove journal entries older than the date/period.

A period is specified using the suffixes "y", "m", and "d". The
suffix "w" (for "week") means 7 days.

    "3y" means three years
    "2y 1m" means two years and one month
    "1m 25d" means one month and 25 days
    "2w 3d" means two weeks and three days

Date format is "YYYY-MM-DD" eg:
    2001-01-01
`

const docPerftest = `Usage: perftest [mode] [arguments]*
Time operations in Corral.

Supported arguments:

    [password] [rounds=<integer>] [scheme=<scheme>]

'password' is the default mode.  The tracker's config.ini
setting for 'password_pbkdf2_default_rounds' is the default
value for 'rounds'. On the command line, 'rounds' can include
thousands separator of ',' or '.'.  'scheme' is the default
coded into Corral. List supported schemes by using 'scheme='.
`

const docPragma = `Usage: pragma setting=value | 'list'
Set internal admin settings to a value.

For example:

    pragma verbose=True
    pragma verbose=yes
    pragma verbose=on
    pragma verbose=1

 will turn on verbose mode for corral-admin.

    pragma list

 will show all settings and their current values. If verbose
 is enabled hidden settings and descriptions will be shown.
`

const docReadline = `Usage: readline initrc_line | 'emacs' | 'history' | 'reload' | 'vi'

Corral's interactive shell has its own small line editor instead of
GNU readline: left/right, home/end (Control-a/Control-e), backspace
and delete, Control-k/Control-u, and a command history on up/down
kept in ~/.corral_admin_history.

'history' will show (and number) all commands in the history;
"!N" runs command N again and "!N:p" puts it on the edit line.
'emacs' confirms the (only) emacs-style key set. 'vi', 'reload'
and readline init file lines are accepted and explained, but
have no effect.
`

const docReindex = `Usage: reindex [classname|classname:#-#|designator]*
Re-generate a tracker's search indexes.

This will re-generate the search indexes for a tracker.
This will typically happen automatically.

You can incrementally reindex using an argument like:

    reindex issue:23-1000

to reindex issue class items 23-1000. Missing items
are reported but do not stop indexing of the range.
`

const docRestore = `Usage: restore designator[,designator]*
Restore the retired node specified by designator.

A designator is a classname and a nodeid concatenated,
eg. bug1, user10, ...

The given nodes will become available for users again.
`

const docRetire = `Usage: retire designator[,designator]*
Retire the node specified by designator.

A designator is a classname and a nodeid concatenated,
eg. bug1, user10, ...

This action indicates that a particular node is not to be retrieved
by the list or find commands, and its key value may be re-used.
`

const docRollback = `Usage: rollback
Undo all changes that are pending commit to the database.

The changes made during an interactive session are not
automatically written to the database - they must be committed
manually. This command undoes all those changes, so a commit
immediately after would make no changes to the database.
`

const docSecurity = `Usage: security [Role name]
Display the Permissions available to one or all Roles.

Also validates that any properties defined in a
permission are valid.

Run this after changing your permissions to catch
typos.
`

const docSet = `Usage: set items property=value [property=value ...]
Set the given properties of one or more items(s).

The items are specified as a class or as a comma-separated
list of item designators (ie "designator[,designator,...]").

A designator is a classname and a nodeid concatenated,
eg. bug1, user10, ...

This command sets the properties to the values for all
designators given. If a class is used, the property will be
set for all items in the class. If the value is missing
(ie. "property=") then the property is un-set. If the property
is a multilink, you specify the linked ids for the multilink
as comma-separated numbers (ie "1,2,3").
`

const docSpecification = `Usage: specification classname
Show the properties for a classname.

This lists the properties for a given class.
`

const docTable = `Usage: table classname [property[,property]*]
List the instances of a class in tabular form.

Lists all instances of the given class. If the properties are not
specified, all properties are displayed. By default, the column
widths are the width of the largest value. The width may be
explicitly defined by defining the property as "name:width".
For example::

    corral> table priority id,name:10
    Id Name
    1  fatal-bug
    2  bug
    3  usability
    4  feature

Also to make the width of the column the width of the label,
leave a trailing : without a width on the property. For example::

    corral> table priority id,name:
    Id Name
    1  fata
    2  bug
    3  usab
    4  feat

will result in a the 4 character wide "Name" column.
`

const docTemplates = `Usage: templates [trace_search]
List templates and their installed directories.

With trace_search also list all directories that are
searched for templates.
`

const docUpdateconfig = `Usage: updateconfig <filename>
Merge existing tracker config with new settings.

Output the updated config file to <filename>. Use current
settings from existing corral tracker in tracker home.
`
