#
# TRACKER SCHEMA -- jython (bugs.jython.org)
#
# The Jython tracker began in 2008 as a copy of the python-dev instance
# (psf/bpo-tracker-jython). This template is python-dev's schema and roles
# (see ../python-dev/schema.py) plus what Jython added: a "milestone" class
# and the issue's milestone, with the same permissions Jython gave them.
# Jython had no IRC announcer (see detectors/config.ini).
#

# Class automatically gets these properties:
#   creation = Date()
#   activity = Date()
#   creator = Link('user')
#   actor = Link('user')

# Issue Type
issue_type = Class(db, 'issue_type',
                   name=String(),
                   description=String(),
                   order=Number())
issue_type.setkey('name')

# Component
component = Class(db, 'component',
                  name=String(),
                  description=String(),
                  order=Number(),
                  assign_to=Link('user'),
                  add_as_nosy=Multilink('user'))
component.setkey('name')

# Version
version = Class(db, 'version',
                name=String(),
                description=String(),
                order=Number())
version.setkey('name')

# Milestone (Jython; its schema.py keyed "version" a second time here, a
# slip: the milestone is keyed by name)
milestone = Class(db, 'milestone',
                  name=String(),
                  description=String(),
                  order=Number())
milestone.setkey('name')

# Severity
severity = Class(db, 'severity',
                 name=String(),
                 description=String(),
                 order=Number())
severity.setkey('name')

# Priority
priority = Class(db, 'priority',
                 name=String(),
                 description=String(),
                 order=Number())
priority.setkey('name')

# Stage
stage = Class(db, 'stage',
              name=String(),
              description=String(),
              order=Number())
stage.setkey('name')

# Status
status = Class(db, "status",
               name=String(),
               description=String(),
               order=Number())
status.setkey("name")

# Resolution
resolution = Class(db, "resolution",
                   name=String(),
                   description=String(),
                   order=Number())
resolution.setkey('name')

# Keyword
keyword = Class(db, "keyword",
                name=String(),
                description=String())
keyword.setkey("name")

# User-defined saved searches
query = Class(db, "query",
              klass=String(),
              name=String(),
              url=String(),
              private_for=Link('user'))

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
             timezone=String(),
             contrib_form=Boolean(),
             contrib_form_date=Date(),
             openids=String(),   # space separated list
             iscommitter=Boolean(),
             homepage=String(),
             github=String(),
             )
user.setkey("username")
db.security.addPermission(name='Register', klass='user',
                          description='User is allowed to register new user')

# OpenID 2 bookkeeping
openid_discovery = Class(db, 'openid_discovery',
                         url=String(),       # key
                         services=String(),  # space-separated list
                         op_endpoint=String(),
                         op_local=String())
openid_discovery.setkey('url')
openid_discovery.disableJournalling()

openid_session = Class(db, 'openid_session',
                       url=String(),
                       assoc_handle=String(),
                       expires=Date(),
                       mac_key=String())
openid_session.setkey('assoc_handle')
openid_session.disableJournalling()

openid_nonce = Class(db, 'openid_nonce',
                     created=Date(),
                     nonce=String())
openid_nonce.setkey('nonce')

# OpenID Connect
oic_session = Class(db, 'oic_session',
                    sid=String(),
                    pickle=String())
oic_session.setkey('sid')
oic_session.disableJournalling()

oic_account = Class(db, 'oic_account',
                    user=Link('user', do_journal='no'),
                    issuer=String(),
                    subject=String())

oic_registration = Class(db, 'oic_registration',
                         issuer=String(),
                         client_id=String(),
                         client_secret=String())

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
                inreplyto=String(),
                spambayes_score=Number(),
                spambayes_misclassified=Boolean(),)

file = FileClass(db, "file",
                 name=String(),
                 description=String(indexme='yes'),
                 spambayes_score=Number(),
                 spambayes_misclassified=Boolean(),
                 # filled out if this is a patch
                 revision=String(),
                 branch=String(),
                 # filled out if a corresponding Rietveld
                 # patchset exists for the issue
                 patchset=String(),)

hgrepo = Class(db, "hgrepo",
               url=String(),
               lastrev=String(),
               patchbranch=String(),
               )

pull_request = Class(db, "pull_request",
                     number=String(),
                     title=String(),
                     status=String(),
                     )
pull_request.setlabelprop('id')

# IssueClass automatically gets these properties in addition to the Class ones:
#   title = String()
#   messages = Multilink("msg")
#   files = Multilink("file")
#   nosy = Multilink("user")
#   superseder = Multilink("issue")   [bpo redeclares it as a Link below]
issue = IssueClass(db, "issue",
                   type=Link('issue_type'),
                   components=Multilink('component'),
                   versions=Multilink('version'),
                   severity=Link('severity'),
                   priority=Link('priority'),
                   dependencies=Multilink('issue'),
                   assignee=Link('user'),
                   status=Link('status'),
                   resolution=Link('resolution'),
                   superseder=Link('issue'),
                   keywords=Multilink("keyword"),
                   stage=Link('stage'),
                   # quiet: bpo hid the counters from history and mail
                   # (extensions/local_replace.py clean_count, sendmail.py).
                   nosy_count=Number(quiet=True),
                   message_count=Number(quiet=True),
                   hgrepos=Multilink('hgrepo'),
                   pull_requests=Multilink('pull_request'),
                   github=Integer(),
                   milestone=Link('milestone'))

#
# TRACKER SECURITY SETTINGS
#

db.security.addRole(name='Developer', description='A developer')
db.security.addRole(name='Coordinator', description='A coordinator')

db.security.addPermission(name="SB: May Classify")
db.security.addPermission(name="SB: May Report Misclassified")

#
# REGULAR USERS
#
# Give the regular users access to the web and email interface
db.security.addPermissionToRole('User', 'Web Access')
db.security.addPermissionToRole('User', 'Email Access')
db.security.addPermissionToRole('Developer', 'Web Access')
db.security.addPermissionToRole('Developer', 'Email Access')
db.security.addPermissionToRole('Coordinator', 'Web Access')
db.security.addPermissionToRole('Coordinator', 'Email Access')
# Corral: bpo predates Roundup's REST interface (2.0); its users get it
# as in Roundup's classic template, so scripts can use /rest.
db.security.addPermissionToRole('User', 'Rest Access')
db.security.addPermissionToRole('Developer', 'Rest Access')
db.security.addPermissionToRole('Coordinator', 'Rest Access')

##########################
# User permissions
##########################

db.security.addPermissionToRole('User', 'View', 'issue_type')
db.security.addPermissionToRole('Anonymous', 'View', 'issue_type')
db.security.addPermissionToRole('User', 'View', 'severity')
db.security.addPermissionToRole('Anonymous', 'View', 'severity')
db.security.addPermissionToRole('User', 'View', 'component')
db.security.addPermissionToRole('Anonymous', 'View', 'component')
db.security.addPermissionToRole('User', 'View', 'version')
db.security.addPermissionToRole('Anonymous', 'View', 'version')
db.security.addPermissionToRole('User', 'View', 'priority')
db.security.addPermissionToRole('Anonymous', 'View', 'priority')
db.security.addPermissionToRole('User', 'View', 'stage')
db.security.addPermissionToRole('Anonymous', 'View', 'stage')
db.security.addPermissionToRole('User', 'View', 'status')
db.security.addPermissionToRole('Anonymous', 'View', 'status')
db.security.addPermissionToRole('User', 'View', 'resolution')
db.security.addPermissionToRole('Anonymous', 'View', 'resolution')
db.security.addPermissionToRole('User', 'View', 'issue')
db.security.addPermissionToRole('Anonymous', 'View', 'issue')
db.security.addPermissionToRole('User', 'View', 'keyword')
db.security.addPermissionToRole('Anonymous', 'View', 'keyword')
db.security.addPermissionToRole('User', 'View', 'hgrepo')
db.security.addPermissionToRole('Anonymous', 'View', 'hgrepo')
db.security.addPermissionToRole('User', 'View', 'pull_request')
db.security.addPermissionToRole('Anonymous', 'View', 'pull_request')
db.security.addPermissionToRole('User', 'View', 'milestone')
db.security.addPermissionToRole('Anonymous', 'View', 'milestone')

# bpo: may_edit_hgrepo
db.security.addPermissionToRole('User', 'Create', 'hgrepo')
p = db.security.addPermission(name='Edit', klass='hgrepo', check="creator",
                              properties=['url', 'patchbranch'])
db.security.addPermissionToRole('User', p)

# bpo: may_edit_pull_request
db.security.addPermissionToRole('User', 'Create', 'pull_request')
p = db.security.addPermission(name='Edit', klass='pull_request',
                              check="creator", properties=['number', 'title'])
db.security.addPermissionToRole('User', p)

# file and msg: metadata for everyone, content only if not spam for
# Anonymous (bpo: may_view_spam(cl), the score is compared with
# [main] spambayes_spam_cutoff of detectors/config.ini).
p = db.security.addPermission(name='View', klass='file',
                              description="allowed to see object metadata regardless of spam status",
                              properties=('id', 'creation', 'activity',
                                          'creator', 'actor',
                                          'name', 'spambayes_score',
                                          'spambayes_misclassified',
                                          'author', 'recipients',
                                          'date', 'files', 'messageid',
                                          'inreplyto', 'type',
                                          'description',
                                          ))
db.security.addPermissionToRole('Anonymous', p)
db.security.addPermissionToRole('User', p)

db.security.addPermissionToRole('User', 'Create', 'file')

p = db.security.addPermission(name='View', klass='file',
                              description="Allowed to see content of object regardless of spam status",
                              properties=('content', 'summary'))
db.security.addPermissionToRole('User', p)

spamcheck = db.security.addPermission(name='View', klass='file',
                                      description="allowed to see content if not spam",
                                      properties=('content', 'summary'),
                                      check="not_spam")
db.security.addPermissionToRole('Anonymous', spamcheck)

p = db.security.addPermission(name='View', klass='msg',
                              description="allowed to see object metadata regardless of spam status",
                              properties=('id', 'creation', 'activity',
                                          'creator', 'actor',
                                          'name', 'spambayes_score',
                                          'spambayes_misclassified',
                                          'author', 'recipients',
                                          'date', 'files', 'messageid',
                                          'inreplyto', 'type',
                                          'description',
                                          ))
db.security.addPermissionToRole('Anonymous', p)
db.security.addPermissionToRole('User', p)

db.security.addPermissionToRole('User', 'Create', 'msg')

p = db.security.addPermission(name='View', klass='msg',
                              description="Allowed to see content of object regardless of spam status",
                              properties=('content', 'summary'))
db.security.addPermissionToRole('User', p)

spamcheck = db.security.addPermission(name='View', klass='msg',
                                      description="allowed to see content if not spam",
                                      properties=('content', 'summary'),
                                      check="not_spam")
db.security.addPermissionToRole('Anonymous', spamcheck)

# bpo: may_edit_file
p = db.security.addPermission(name='Edit', klass='file', check="creator",
    description="User is allowed to remove their own files")
db.security.addPermissionToRole('User', p)

p = db.security.addPermission(name='Create', klass='issue',
                              properties=('title', 'type',
                                          'components', 'versions',
                                          'severity', 'milestone',
                                          'messages', 'files', 'nosy', 'hgrepos', 'pull_requests'),
                              description='User can report and discuss issues')
db.security.addPermissionToRole('User', p)

p = db.security.addPermission(name='Edit', klass='issue',
                              properties=('title', 'type',
                                          'components', 'versions',
                                          'severity', 'milestone',
                                          'messages', 'files', 'nosy', 'hgrepos', 'pull_requests'),
                              description='User can report and discuss issues')
db.security.addPermissionToRole('User', p)

# Allow users to close issues they created (bpo: close_own_issue)
p = db.security.addPermission(name='Edit', klass='issue',
                              properties=('status', 'resolution'),
                              description='User can close issues he created',
                              check="creator")
db.security.addPermissionToRole('User', p)

db.security.addPermissionToRole('User', 'SB: May Report Misclassified')


##########################
# Developer permissions
##########################
db.security.addPermissionToRole('Developer', 'View', 'issue_type')
db.security.addPermissionToRole('Developer', 'View', 'severity')
db.security.addPermissionToRole('Developer', 'View', 'component')
db.security.addPermissionToRole('Developer', 'View', 'version')
db.security.addPermissionToRole('Developer', 'View', 'priority')
db.security.addPermissionToRole('Developer', 'View', 'stage')
db.security.addPermissionToRole('Developer', 'View', 'status')
db.security.addPermissionToRole('Developer', 'View', 'resolution')
db.security.addPermissionToRole('Developer', 'View', 'issue')
db.security.addPermissionToRole('Developer', 'View', 'file')
db.security.addPermissionToRole('Developer', 'View', 'msg')
db.security.addPermissionToRole('Developer', 'View', 'keyword')
db.security.addPermissionToRole('Developer', 'View', 'pull_request')
db.security.addPermissionToRole('Developer', 'View', 'milestone')

db.security.addPermissionToRole('Developer', 'Edit', 'issue')
db.security.addPermissionToRole('Developer', 'Create', 'issue')
db.security.addPermissionToRole('Developer', 'Edit', 'file')
db.security.addPermissionToRole('Developer', 'Create', 'file')
db.security.addPermissionToRole('Developer', 'Edit', 'msg')
db.security.addPermissionToRole('Developer', 'Create', 'msg')
db.security.addPermissionToRole('Developer', 'Edit', 'keyword')
db.security.addPermissionToRole('Developer', 'Create', 'keyword')
db.security.addPermissionToRole('Developer', 'Edit', 'pull_request')
db.security.addPermissionToRole('Developer', 'Create', 'pull_request')


##########################
# Coordinator permissions
##########################
db.security.addPermissionToRole('Coordinator', 'View', 'issue_type')
db.security.addPermissionToRole('Coordinator', 'Edit', 'issue_type')
db.security.addPermissionToRole('Coordinator', 'Create', 'issue_type')
p = db.security.addPermission(name='Retire', klass='issue_type',
                              description='Coordinator may retire issue_type')
db.security.addPermissionToRole('Coordinator', p)

db.security.addPermissionToRole('Coordinator', 'View', 'severity')
db.security.addPermissionToRole('Coordinator', 'Edit', 'severity')
db.security.addPermissionToRole('Coordinator', 'Create', 'severity')
p = db.security.addPermission(name='Retire', klass='severity',
                              description='Coordinator may retire severity')
db.security.addPermissionToRole('Coordinator', p)

db.security.addPermissionToRole('Coordinator', 'View', 'component')
db.security.addPermissionToRole('Coordinator', 'Edit', 'component')
db.security.addPermissionToRole('Coordinator', 'Create', 'component')
p = db.security.addPermission(name='Retire', klass='component',
                              description='Coordinator may retire component')
db.security.addPermissionToRole('Coordinator', p)

db.security.addPermissionToRole('Coordinator', 'View', 'version')
db.security.addPermissionToRole('Coordinator', 'Edit', 'version')
db.security.addPermissionToRole('Coordinator', 'Create', 'version')
p = db.security.addPermission(name='Retire', klass='version',
                              description='Coordinator may retire version')
db.security.addPermissionToRole('Coordinator', p)

db.security.addPermissionToRole('Coordinator', 'View', 'priority')
db.security.addPermissionToRole('Coordinator', 'Edit', 'priority')
db.security.addPermissionToRole('Coordinator', 'Create', 'priority')
p = db.security.addPermission(name='Retire', klass='priority',
                              description='Coordinator may retire priority')
db.security.addPermissionToRole('Coordinator', p)

db.security.addPermissionToRole('Coordinator', 'View', 'stage')
db.security.addPermissionToRole('Coordinator', 'Edit', 'stage')
db.security.addPermissionToRole('Coordinator', 'Create', 'stage')
p = db.security.addPermission(name='Retire', klass='stage',
                              description='Coordinator may retire stage')
db.security.addPermissionToRole('Coordinator', p)

db.security.addPermissionToRole('Coordinator', 'View', 'status')
db.security.addPermissionToRole('Coordinator', 'Edit', 'status')
db.security.addPermissionToRole('Coordinator', 'Create', 'status')
p = db.security.addPermission(name='Retire', klass='status',
                              description='Coordinator may retire status')
db.security.addPermissionToRole('Coordinator', p)

db.security.addPermissionToRole('Coordinator', 'View', 'resolution')
db.security.addPermissionToRole('Coordinator', 'Edit', 'resolution')
db.security.addPermissionToRole('Coordinator', 'Create', 'resolution')
p = db.security.addPermission(name='Retire', klass='resolution',
                              description='Coordinator may retire resolution')
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

db.security.addPermissionToRole('Coordinator', 'View', 'hgrepo')
db.security.addPermissionToRole('Coordinator', 'Edit', 'hgrepo')
db.security.addPermissionToRole('Coordinator', 'Create', 'hgrepo')
p = db.security.addPermission(name='Retire', klass='hgrepo',
                              description='Coordinator may retire hgrepo')
db.security.addPermissionToRole('Coordinator', p)

db.security.addPermissionToRole('Coordinator', 'View', 'pull_request')
db.security.addPermissionToRole('Coordinator', 'Edit', 'pull_request')
db.security.addPermissionToRole('Coordinator', 'Create', 'pull_request')
p = db.security.addPermission(name='Retire', klass='pull_request',
                              description='Coordinator may retire pull_request')
db.security.addPermissionToRole('Coordinator', p)

db.security.addPermissionToRole('Coordinator', 'View', 'milestone')
db.security.addPermissionToRole('Coordinator', 'Edit', 'milestone')
db.security.addPermissionToRole('Coordinator', 'Create', 'milestone')
p = db.security.addPermission(name='Retire', klass='milestone',
                              description='Coordinator may retire milestone')
db.security.addPermissionToRole('Coordinator', p)

db.security.addPermissionToRole('Coordinator', 'SB: May Classify')
db.security.addPermissionToRole('Developer', 'SB: May Classify')

properties_for_users = (
    'id', 'username', 'realname', 'phone',
    'organisation', 'timezone',
    'roles', 'contrib_form', 'iscommitter', 'homepage',
    'github',
)
# Only Developers can see email addresses of other users.
properties_for_developers = (
    'address',
    'alternate_addresses',
)

# bpo: add_user_permission(properties)
p = db.security.addPermission(name='View', klass='user',
                              properties=properties_for_users)
db.security.addPermissionToRole('User', p)
p = db.security.addPermission(name='View', klass='user',
                              properties=properties_for_users + properties_for_developers)
db.security.addPermissionToRole('Developer', p)
# Anonymous may view the github username.
p = db.security.addPermission(name='View', klass='user', properties=('github',))
db.security.addPermissionToRole('Anonymous', p)
# Coordinator may view all user properties.
db.security.addPermissionToRole('Coordinator', 'View', 'user')
# Allow Coordinator to edit any user, including their roles.
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
    description="User is allowed to edit their own user details",
    properties=('username', 'password',
                'address', 'realname',
                'phone', 'organisation',
                'alternate_addresses',
                'queries', 'timezone',
                'homepage', 'github'))
                # Note: 'roles' excluded - users should not be able to edit their own roles.
                # Also excluded: contrib_form, contrib_form_date, iscommitter
db.security.addPermissionToRole('User', p)
db.security.addPermissionToRole('Developer', p)

# Users should be able to edit and view their own queries. They should also
# be able to view any marked as not private. They should not be able to
# edit others' queries, even if they're not private
# (bpo: view_query -> "query_visible", edit_query -> "creator").
p = db.security.addPermission(name='View', klass='query', check="query_visible",
    description="User is allowed to view their own and public queries")
db.security.addPermissionToRole('User', p)
db.security.addPermissionToRole('Developer', p)
db.security.addPermissionToRole('Coordinator', p)
p = db.security.addPermission(name='Edit', klass='query', check="creator",
    description="User is allowed to edit their queries")
db.security.addPermissionToRole('User', p)
db.security.addPermissionToRole('Developer', p)
db.security.addPermissionToRole('Coordinator', p)
p = db.security.addPermission(name='Create', klass='query',
    description="User is allowed to create queries")
db.security.addPermissionToRole('User', p)
db.security.addPermissionToRole('Developer', p)
db.security.addPermissionToRole('Coordinator', p)
p = db.security.addPermission(name='Retire', klass='query', check="creator",
    description="User is allowed to retire their queries")
db.security.addPermissionToRole('User', p)
db.security.addPermissionToRole('Developer', p)
db.security.addPermissionToRole('Coordinator', p)

# View and retire your own OpenID Connect accounts
# (bpo: view_oic, edit_oic -> "user_prop:user").
p = db.security.addPermission(name='View', klass='oic_account', check="user_prop:user",
    description="User is allowed to view their own oics")
db.security.addPermissionToRole('User', p)
db.security.addPermissionToRole('Developer', p)
db.security.addPermissionToRole('Coordinator', p)
p = db.security.addPermission(name='Retire', klass='oic_account', check="user_prop:user",
    description="User is allowed to retire their own oics")
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

# Allow anonymous users to register
db.security.addPermissionToRole('Anonymous', 'Register', 'user')

# Allow anonymous users access to view issues (and the related, linked
# information). The file and msg permissions are above (spam checks).
db.security.addPermissionToRole('Anonymous', 'View', 'issue')
db.security.addPermissionToRole('Anonymous', 'View', 'severity')
db.security.addPermissionToRole('Anonymous', 'View', 'status')
db.security.addPermissionToRole('Anonymous', 'View', 'resolution')

# Allow anonymous users to see the realname
p = db.security.addPermission(name='View',
                              description='View real name',
                              klass='user',
                              properties=('realname',))
db.security.addPermissionToRole('Anonymous', p)

# vim: set filetype=python sts=4 sw=4 et si :
