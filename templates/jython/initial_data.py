#
# TRACKER INITIAL DATA -- jython (bugs.jython.org)
#
# Jython's own initial_data.py (psf/bpo-tracker-jython, 2008, Jython
# tracker issues #184 and #188) comes first and in its order, so its values
# keep their ids: issue types, components, the versions inherited from the
# SourceForge tracker, priorities, statuses, resolutions and keywords.
# Then:
# * stages, which the Jython tracker did not have: python-dev's, so the
#   schema's stage menu is not empty;
# * the "Jython X.Y" versions the tracker was later used with.
# Milestones were added to the live tracker in 2018 without initial data;
# create them with "corral-admin create milestone name=...".
#

issue_type = db.getclass('issue_type')
issue_type.create(name='behaviour', order='1')
issue_type.create(name='security', order='2')
issue_type.create(name='rfe', order='3')
issue_type.create(name='crash', order='4')

component = db.getclass('component')
component.create(name="Any", order="1")
component.create(name="Core", order="2")
component.create(name="Documentation", order="3")
component.create(name="Installer", order="4")
component.create(name="Jythonc compiler", order="5")
component.create(name="Library", order="6")
component.create(name="website", order="7")
component.create(name="zxjdbc", order="8")

version = db.getclass('version')
version.create(name='Deferred', order='1')
version.create(name='Fixed in 2.1a3', order='2')
version.create(name='Fixed in 2.1b1', order='3')
version.create(name='Fixed in 2.1b2', order='4')
version.create(name='Fixed in 2.1final', order='5')
version.create(name='Fixed in 2.2a0', order='6')
version.create(name='targeted for 2.2.1rc1', order='7')
version.create(name='targeted for 2.2beta1', order='8')
version.create(name='targeted for 2.2beta2', order='9')
version.create(name='targeted for 2.2rc1', order='10')
version.create(name='targeted for 2.2rc2', order='11')
version.create(name='targeted for 2.2rc3', order='12')
# the releases the tracker was used with after the SourceForge import
version.create(name='Jython 2.1', order='13')
version.create(name='Jython 2.2', order='14')
version.create(name='Jython 2.5', order='15')
version.create(name='Jython 2.7', order='16')

severity = db.getclass('severity')
severity.create(name='critical', order='1')
severity.create(name='urgent', order='2')
severity.create(name='major', order='3')
severity.create(name='normal', order='4')
severity.create(name='minor', order='5')

priority = db.getclass('priority')
priority.create(name='immediate', order='1')
priority.create(name='urgent', order='2')
priority.create(name='high', order='3')
priority.create(name='normal', order='4')
priority.create(name='low', order='5')

status = db.getclass('status')
status.create(name='open', order='1')
status.create(name='closed', order='2')
status.create(name='pending', description='user feedback required', order='3')

resolution = db.getclass('resolution')
resolution.create(name='accepted', order='1')
resolution.create(name='duplicate', order='2')
resolution.create(name='fixed', order='3')
resolution.create(name='invalid', order='4')
resolution.create(name='later', order='5')
resolution.create(name='out of date', order='6')
resolution.create(name='postponed', order='7')
resolution.create(name='rejected', order='8')
resolution.create(name='remind', order='9')
resolution.create(name='wont fix', order='10')
resolution.create(name='works for me', order='11')

keyword = db.getclass("keyword")
# The patch keyword is needed by the patches detector
keyword.create(name="patch", description="Contains patch")
# This is mapped from a SourceForge group
keyword.create(name='test failure causes')

# python-dev's stages
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
stage.create(name='resolved', order='6',
             description='The issue has been resolved')

#
# create the two default users
#
user = db.getclass('user')
user.create(username="admin", password=adminpw, address=admin_email, roles='Admin')
user.create(username="anonymous", roles='Anonymous')
