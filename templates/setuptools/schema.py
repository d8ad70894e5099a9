#
# TRACKER SCHEMA -- setuptools
#
# The setuptools tracker of the bugs.python.org family: Roundup 2.6's
# classic schema (../classic/schema.py) with bugs.python.org's roles:
# User reports and discusses issues and closes their own, Developer
# triages (every issue property, keywords), Coordinator also manages
# users and retires items. As on bugs.python.org only Developers and
# Coordinators see other users' addresses.
#

# Class automatically gets these properties:
#   creation = Date()
#   activity = Date()
#   creator = Link('user')
#   actor = Link('user')

# Priorities
pri = Class(db, "priority",
                name=String(),
                order=Number())
pri.setkey("name")

# Statuses
stat = Class(db, "status",
                name=String(),
                order=Number())
stat.setkey("name")

# Keywords
keyword = Class(db, "keyword",
                name=String())
keyword.setkey("name")

# User-defined saved searches
query = Class(db, "query",
                klass=String(),
                name=String(),
                url=String(),
                private_for=Link('user'))

# add any additional database schema configuration here

user = Class(db, "user",
                username=String(),
                password=Password(),
                address=String(),
                realname=String(),
                phone=String(),
                organisation=String(),
                alternate_addresses=String(),
                queries=Multilink('query'),
                roles=String(),     # comma-separated string of Role names
                timezone=String())
user.setkey("username")
db.security.addPermission(name='Register', klass='user',
                          description='User is allowed to register new user')

# FileClass automatically gets this property in addition to the Class ones:
#   content = String()    [stored with the item]
#   type = String()       [MIME type of the content, default 'text/plain']
msg = FileClass(db, "msg",
                author=Link("user", do_journal='no'),
                recipients=Multilink("user", do_journal='no'),
                date=Date(),
                summary=String(),
                files=Multilink("file"),
                messageid=String(),
                inreplyto=String())

file = FileClass(db, "file",
                name=String())

# IssueClass automatically gets these properties in addition to the Class ones:
#   title = String()
#   messages = Multilink("msg")
#   files = Multilink("file")
#   nosy = Multilink("user")
#   superseder = Multilink("issue")
issue = IssueClass(db, "issue",
                assignedto=Link("user"),
                keyword=Multilink("keyword"),
                priority=Link("priority"),
                status=Link("status"))

#
# TRACKER SECURITY SETTINGS
#
# See the configuration and customisation document for information
# about security setup.

db.security.addRole(name='Developer', description='A developer')
db.security.addRole(name='Coordinator', description='A coordinator')

#
# REGULAR USERS
#
# Give the regular users access to the web, email, REST and XML-RPC
# interfaces
db.security.addPermissionToRole('User', 'Web Access')
db.security.addPermissionToRole('User', 'Email Access')
db.security.addPermissionToRole('User', 'Rest Access')
db.security.addPermissionToRole('User', 'Xmlrpc Access')
db.security.addPermissionToRole('Developer', 'Web Access')
db.security.addPermissionToRole('Developer', 'Email Access')
db.security.addPermissionToRole('Developer', 'Rest Access')
db.security.addPermissionToRole('Developer', 'Xmlrpc Access')
db.security.addPermissionToRole('Coordinator', 'Web Access')
db.security.addPermissionToRole('Coordinator', 'Email Access')
db.security.addPermissionToRole('Coordinator', 'Rest Access')
db.security.addPermissionToRole('Coordinator', 'Xmlrpc Access')

##########################
# User permissions
##########################
# As on bugs.python.org, Users report and discuss issues and may close
# the issues they created; the other issue properties are for Developers.
db.security.addPermissionToRole('User', 'View', 'issue')
db.security.addPermissionToRole('User', 'View', 'file')
db.security.addPermissionToRole('User', 'View', 'msg')
db.security.addPermissionToRole('User', 'View', 'keyword')
db.security.addPermissionToRole('User', 'View', 'priority')
db.security.addPermissionToRole('User', 'View', 'status')
db.security.addPermissionToRole('User', 'Create', 'file')
db.security.addPermissionToRole('User', 'Create', 'msg')

p = db.security.addPermission(name='Edit', klass='file', check="creator",
    description="User is allowed to remove their own files")
db.security.addPermissionToRole('User', p)

p = db.security.addPermission(name='Create', klass='issue',
                              properties=('title', 'priority', 'messages', 'files', 'nosy'),
                              description='User can report and discuss issues')
db.security.addPermissionToRole('User', p)

p = db.security.addPermission(name='Edit', klass='issue',
                              properties=('title', 'priority', 'messages', 'files', 'nosy'),
                              description='User can report and discuss issues')
db.security.addPermissionToRole('User', p)

# Allow users to close issues they created
p = db.security.addPermission(name='Edit', klass='issue',
                              properties=('status',),
                              description='User can close issues they created',
                              check="creator")
db.security.addPermissionToRole('User', p)

##########################
# Developer permissions
##########################
# Triage: every issue property and keywords
db.security.addPermissionToRole('Developer', 'View', 'issue')
db.security.addPermissionToRole('Developer', 'Edit', 'issue')
db.security.addPermissionToRole('Developer', 'Create', 'issue')
db.security.addPermissionToRole('Developer', 'View', 'file')
db.security.addPermissionToRole('Developer', 'Edit', 'file')
db.security.addPermissionToRole('Developer', 'Create', 'file')
db.security.addPermissionToRole('Developer', 'View', 'msg')
db.security.addPermissionToRole('Developer', 'Edit', 'msg')
db.security.addPermissionToRole('Developer', 'Create', 'msg')
db.security.addPermissionToRole('Developer', 'View', 'keyword')
db.security.addPermissionToRole('Developer', 'Edit', 'keyword')
db.security.addPermissionToRole('Developer', 'Create', 'keyword')
db.security.addPermissionToRole('Developer', 'View', 'priority')
db.security.addPermissionToRole('Developer', 'View', 'status')

##########################
# Coordinator permissions
##########################
db.security.addPermissionToRole('Coordinator', 'View', 'priority')
db.security.addPermissionToRole('Coordinator', 'Edit', 'priority')
db.security.addPermissionToRole('Coordinator', 'Create', 'priority')
p = db.security.addPermission(name='Retire', klass='priority',
                              description='Coordinator may retire priority')
db.security.addPermissionToRole('Coordinator', p)

db.security.addPermissionToRole('Coordinator', 'View', 'status')
db.security.addPermissionToRole('Coordinator', 'Edit', 'status')
db.security.addPermissionToRole('Coordinator', 'Create', 'status')
p = db.security.addPermission(name='Retire', klass='status',
                              description='Coordinator may retire status')
db.security.addPermissionToRole('Coordinator', p)

db.security.addPermissionToRole('Coordinator', 'View', 'keyword')
db.security.addPermissionToRole('Coordinator', 'Edit', 'keyword')
db.security.addPermissionToRole('Coordinator', 'Create', 'keyword')
p = db.security.addPermission(name='Retire', klass='keyword',
                              description='Coordinator may retire keyword')
db.security.addPermissionToRole('Coordinator', p)

db.security.addPermissionToRole('Coordinator', 'View', 'issue')
db.security.addPermissionToRole('Coordinator', 'Edit', 'issue')
db.security.addPermissionToRole('Coordinator', 'Create', 'issue')
p = db.security.addPermission(name='Retire', klass='issue',
                              description='Coordinator may retire issue')
db.security.addPermissionToRole('Coordinator', p)

db.security.addPermissionToRole('Coordinator', 'View', 'file')
db.security.addPermissionToRole('Coordinator', 'Edit', 'file')
db.security.addPermissionToRole('Coordinator', 'Create', 'file')
p = db.security.addPermission(name='Retire', klass='file',
                              description='Coordinator may retire file')
db.security.addPermissionToRole('Coordinator', p)

db.security.addPermissionToRole('Coordinator', 'View', 'msg')
db.security.addPermissionToRole('Coordinator', 'Edit', 'msg')
db.security.addPermissionToRole('Coordinator', 'Create', 'msg')
p = db.security.addPermission(name='Retire', klass='msg',
                              description='Coordinator may retire msg')
db.security.addPermissionToRole('Coordinator', p)

# Users see a few properties of other users; only Developers see their
# addresses too.
properties_for_users = ('id', 'organisation', 'phone', 'realname',
                        'timezone', 'username')
properties_for_developers = ('address', 'alternate_addresses')
p = db.security.addPermission(name='View', klass='user',
                              properties=properties_for_users)
db.security.addPermissionToRole('User', p)
p = db.security.addPermission(name='View', klass='user',
                              properties=properties_for_users + properties_for_developers)
db.security.addPermissionToRole('Developer', p)
# Coordinator may view all user properties, and edit any user, including
# their roles.
db.security.addPermissionToRole('Coordinator', 'View', 'user')
db.security.addPermissionToRole('Coordinator', 'Edit', 'user')
db.security.addPermissionToRole('Coordinator', 'Web Roles')

# Users should be able to edit their own details -- this permission is
# limited to only the situation where the Viewed or Edited item is their own.
p = db.security.addPermission(name='View', klass='user', check="own_record",
    description="User is allowed to view their own user details")
db.security.addPermissionToRole('User', p)
db.security.addPermissionToRole('Developer', p)
db.security.addPermissionToRole('Coordinator', p)
p = db.security.addPermission(name='Edit', klass='user', check="own_record",
    properties=('username', 'password', 'address', 'realname', 'phone',
        'organisation', 'alternate_addresses', 'queries', 'timezone'),
    description="User is allowed to edit their own user details")
db.security.addPermissionToRole('User', p)
db.security.addPermissionToRole('Developer', p)

# Users should be able to edit and view their own queries. They should also
# be able to view any marked as not private. They should not be able to
# edit others' queries, even if they're not private
p = db.security.addPermission(name='View', klass='query', check="query_visible",
    description="User is allowed to view their own and public queries")
db.security.addPermissionToRole('User', p)
db.security.addPermissionToRole('Developer', p)
db.security.addPermissionToRole('Coordinator', p)
p = db.security.addPermission(name='Search', klass='query')
db.security.addPermissionToRole('User', p)
db.security.addPermissionToRole('Developer', p)
db.security.addPermissionToRole('Coordinator', p)
p = db.security.addPermission(name='Edit', klass='query', check="creator",
    description="User is allowed to edit their queries")
db.security.addPermissionToRole('User', p)
db.security.addPermissionToRole('Developer', p)
db.security.addPermissionToRole('Coordinator', p)
p = db.security.addPermission(name='Retire', klass='query', check="creator",
    description="User is allowed to retire their queries")
db.security.addPermissionToRole('User', p)
db.security.addPermissionToRole('Developer', p)
db.security.addPermissionToRole('Coordinator', p)
p = db.security.addPermission(name='Restore', klass='query', check="creator",
    description="User is allowed to restore their queries")
db.security.addPermissionToRole('User', p)
db.security.addPermissionToRole('Developer', p)
db.security.addPermissionToRole('Coordinator', p)
p = db.security.addPermission(name='Create', klass='query',
    description="User is allowed to create queries")
db.security.addPermissionToRole('User', p)
db.security.addPermissionToRole('Developer', p)
db.security.addPermissionToRole('Coordinator', p)

#
# ANONYMOUS USER PERMISSIONS
#
# Let anonymous users access the web interface. Note that almost all
# trackers will need this Permission. The only situation where it's not
# required is in a tracker that uses an HTTP Basic Authenticated front-end.
db.security.addPermissionToRole('Anonymous', 'Web Access')

# Let anonymous users access the email interface (note that this implies
# that they will be registered automatically, hence they will need the
# "Register" user Permission below)
# This is disabled by default to stop spam from auto-registering users on
# public trackers.
#db.security.addPermissionToRole('Anonymous', 'Email Access')

# Assign the appropriate permissions to the anonymous user's Anonymous
# Role. Choices here are:
# - Allow anonymous users to register
db.security.addPermissionToRole('Anonymous', 'Register', 'user')

# Allow anonymous users access to view issues (and the related, linked
# information)
db.security.addPermissionToRole('Anonymous', 'View', 'issue')
db.security.addPermissionToRole('Anonymous', 'View', 'file')
db.security.addPermissionToRole('Anonymous', 'View', 'msg')
db.security.addPermissionToRole('Anonymous', 'View', 'keyword')
db.security.addPermissionToRole('Anonymous', 'View', 'priority')
db.security.addPermissionToRole('Anonymous', 'View', 'status')

# Allow the anonymous user to use the "Show Unassigned" search.
# It acts like "Show Open" if this permission is not available.
# If you are running a tracker that does not allow read access for
# anonymous, you should remove this entry as it can be used to perform
# a username guessing attack against a roundup install.
p = db.security.addPermission(name='Search', klass='user')
db.security.addPermissionToRole('Anonymous', p)

# [OPTIONAL]
# Allow anonymous users access to create or edit "issue" items (and the
# related file and message items)
#db.security.addPermissionToRole('Anonymous', 'Create', 'issue')
#db.security.addPermissionToRole('Anonymous', 'Edit', 'issue')
#db.security.addPermissionToRole('Anonymous', 'Create', 'file')
#db.security.addPermissionToRole('Anonymous', 'Edit', 'file')
#db.security.addPermissionToRole('Anonymous', 'Create', 'msg')
#db.security.addPermissionToRole('Anonymous', 'Edit', 'msg')

# vim: set filetype=python sts=4 sw=4 et si :
