#
# TRACKER INITIAL DATA -- python-dev (bugs.python.org)
#
# Where the values come from:
#
# * bpo's shipped initial_data.py (psf/bpo-tracker-cpython, last changed in
#   2009, issue #238) is created first and in its order, so every value it
#   has keeps its id: status 1 open, 2 closed, 3 pending; stage 1 "test
#   needed"; keyword 5 "patch"; and so on (DESIGN.md section 2.1).
# * Where the live tracker renamed a shipped value, the item keeps its id
#   and gets the live name: stage "committed/rejected" -> "resolved"
#   (2014; bpo's issuestates detector looks "resolved" up), issue_type
#   "feature request" -> "enhancement" (2011), resolution "invalid" ->
#   "not a bug" (2014), component "Macintosh" -> "macOS", and the 2to3
#   component's name as the live tracker spelled it (the devguide's
#   triaging page documents these names).
# * Values only the live tracker had come after the shipped ones: status
#   "languishing" (id 4: bpo's issue.search.html searches "not closed" as
#   status -1,1,3,4), versions up to Python 3.11 (the last branch opened
#   before bpo went read-only in 2022), the components, keywords, stage
#   and resolution that bpo's html templates, detectors and the devguide's
#   triaging page (python/devguide, triaging.rst, 2011-2022) name.
# * Values the live tracker retired (resolution "accepted", 2011; the
#   "py3k" keyword; the "Distutils2" and "Devguide" components) are left
#   as shipped or left out: this file can only create items.
#

#
# Stages
#
stage = db.getclass('stage')
stage.create(name='test needed', order='2',
             description='A test which exercises the issue and can be used as'
                         ' a unit test is needed')
stage.create(name='needs patch', order='3',
             description='A patch is needed to fix the issue')
stage.create(name='patch review', order='4',
             description='A patch is available and is awaiting a review by a'
                         ' trusted developer')
stage.create(name='commit review', order='5',
             description='A patch is available and is awaiting a review by a'
                         ' core developer')
# shipped as 'committed/rejected'
stage.create(name='resolved', order='7',
             description='The issue has been resolved')
# live tracker only
stage.create(name='backport needed', order='6',
             description='The fix has been committed and needs to be'
                         ' backported to the maintenance branches')

#
# Issue types
#
issue_type = db.getclass('issue_type')
issue_type.create(name='crash', order='1')
issue_type.create(name='compile error', order='2')
issue_type.create(name='resource usage', order='3')
issue_type.create(name='security', order='4')
issue_type.create(name='behavior', order='5')
issue_type.create(name='performance', order='6')
# shipped as 'feature request'
issue_type.create(name='enhancement', order='7')

#
# Components
#
component = db.getclass('component')
component.create(name="None", order="1")
# shipped as "2to3 (2.x to 3.0 conversion tool)"
component.create(name="2to3 (2.x to 3 conversion tool)", order="2")
component.create(name="Build", order="5")
component.create(name="ctypes", order="8")
component.create(name="Demos and Tools", order="9")
component.create(name="Distutils", order="10")
component.create(name="Documentation", order="11")
component.create(name="Extension Modules", order="13")
component.create(name="IDLE", order="15")
component.create(name="Installation", order="16")
component.create(name="Interpreter Core", order="17")
component.create(name="Library (Lib)", order="19")
# shipped as "Macintosh"
component.create(name="macOS", order="20")
component.create(name="Regular Expressions", order="22")
component.create(name="Tests", order="25")
component.create(name="Tkinter", order="26")
component.create(name="Unicode", order="27")
component.create(name="Windows", order="28")
component.create(name="XML", order="29")
# live tracker only
component.create(name="Argument Clinic", order="3")
component.create(name="asyncio", order="4")
component.create(name="C API", order="6")
component.create(name="Cross-Build", order="7")
component.create(name="email", order="12")
component.create(name="FreeBSD", order="14")
component.create(name="IO", order="18")
component.create(name="Parser", order="21")
component.create(name="SSL", order="23")
component.create(name="Subinterpreters", order="24")

#
# Versions (newest first in menus)
#
version = db.getclass('version')
version.create(name='Python 3.1', order='11')
version.create(name='Python 3.0', order='12')
version.create(name='Python 2.7', order='13')
version.create(name='Python 2.6', order='14')
version.create(name='Python 2.5', order='15')
version.create(name='Python 2.4', order='16')
version.create(name='3rd party', order='17')
# live tracker only
version.create(name='Python 3.2', order='10')
version.create(name='Python 3.3', order='9')
version.create(name='Python 3.4', order='8')
version.create(name='Python 3.5', order='7')
version.create(name='Python 3.6', order='6')
version.create(name='Python 3.7', order='5')
version.create(name='Python 3.8', order='4')
version.create(name='Python 3.9', order='3')
version.create(name='Python 3.10', order='2')
version.create(name='Python 3.11', order='1')

#
# Severities
#
severity = db.getclass('severity')
severity.create(name='critical', order='1')
severity.create(name='urgent', order='2')
severity.create(name='major', order='3')
severity.create(name='normal', order='4')
severity.create(name='minor', order='5')

#
# Priorities
#
priority = db.getclass('priority')
priority.create(name='release blocker', order='1',
                description='Blocks a release')
priority.create(name='deferred blocker', order='2',
                description='Blocks a future release')
priority.create(name='critical', order='3',
                description='Might block a future release')
priority.create(name='high', order='4',
                description='Important but will not block')
priority.create(name='normal', order='5')
priority.create(name='low', order='6',
                description='E.g. spelling errors in documentation')

#
# Statuses
#
status = db.getclass('status')
status.create(name='open', order='1')
status.create(name='closed', order='2')
status.create(name='pending', order='3', description='user feedback required')
# live tracker only
status.create(name='languishing', order='4',
              description='no clear solution: no agreement on a technical'
                          ' solution, or on whether it is a problem worth'
                          ' fixing')

#
# Resolutions
#
resolution = db.getclass('resolution')
resolution.create(name='accepted', order='1')
resolution.create(name='duplicate', order='2')
resolution.create(name='fixed', order='3')
# shipped as 'invalid'
resolution.create(name='not a bug', order='4')
resolution.create(name='later', order='5')
resolution.create(name='out of date', order='6')
resolution.create(name='postponed', order='7')
resolution.create(name='rejected', order='8')
resolution.create(name='remind', order='9')
resolution.create(name='wont fix', order='10')
resolution.create(name='works for me', order='11')
# live tracker only
resolution.create(name='third party', order='12')

#
# Keywords
#
keyword = db.getclass("keyword")
keyword.create(name="26backport",
               description="Backport 3.0 feature from 2.6")
keyword.create(name="64bit",
               description="Affects 64-bit platforms only")
keyword.create(name="easy",
               description="This is an easy task (e.g. suitable for GHOP or "
                           "bug day beginners)")
keyword.create(name="needs review",
               description="This issue has a patch which needs the review of"
                           " a developer.")
keyword.create(name="patch",
               description="Contains patch")
# live tracker only
keyword.create(name="buildbot",
               description="A buildbot triggered the issue being reported")
keyword.create(name="gsoc",
               description="The issue would fit as, or is related to, a GSoC"
                           " project")
keyword.create(name="3.2regression",
               description="The issue is a regression in 3.2")
keyword.create(name="3.3regression",
               description="The issue is a regression in 3.3")
keyword.create(name="easy (C)",
               description="An easy task for someone new to contributing to"
                           " Python, focused on C")
keyword.create(name="security_issue",
               description="A definite security problem, or related to one")
keyword.create(name="PEP 3121",
               description="Related to PEP 3121: Extension Module"
                           " Initialization and Finalization")
keyword.create(name="newcomer friendly",
               description="Suitable for first-time contributors:"
                           " well-defined, low-risk, and someone may mentor")

#
# create the two default users
#
user = db.getclass('user')
user.create(username="admin", password=adminpw, address=admin_email, roles='Admin')
user.create(username="anonymous", roles='Anonymous')
