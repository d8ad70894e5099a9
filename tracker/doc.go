// Package tracker is Corral's domain: Roundup's hyperdb data model
// (schema-driven classes and items, the journal, retire/restore), roles and
// permissions, detectors, and the Service through which every write passes.
//
// The shape follows Roundup's roundup/hyperdb.py and roundup/roundupdb.py:
// a Schema declares classes (plain, FileClass, IssueClass) whose
// properties have one of nine types; items are addressed by designators
// such as "issue42"; every item carries creation, activity, creator and
// actor; every change is journalled with the old values.
//
// This package imports no SQL driver, web, mail or configuration package
// (DESIGN.md §3): storage is behind the Store interface, implemented by
// tracker/store/sqlite and tracker/store/postgres, and callers configure a
// Service with Options built by cmd/*.
package tracker
