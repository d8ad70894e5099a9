#!/usr/bin/env python3
"""Writes testdata/roundup-classic/: the export `roundup-admin export`
(Roundup 2.6, SQL backend) makes of a small classic tracker.

It is written with Python's own csv module and repr(), following the
rules of roundup/admin.py do_export, roundup/backends/rdbms_common.py
export_list/export_journals and roundup/anypy/strings.py repr_export,
so that the Go importer and exporter are checked against Python's real
quoting and repr rather than against themselves.  Run it from
tracker/export/testdata to regenerate the fixture:

    python3 gen_roundup_classic.py
"""

import base64
import csv
import hashlib
import os
import shutil

OUT = "roundup-classic"


def repr_export(v):
    # Python-2-style repr: str as the repr of its UTF-8 bytes without the
    # b prefix, dicts with sorted keys through the same rule.
    if isinstance(v, str):
        return repr(v.encode("utf-8"))[1:]
    if isinstance(v, dict):
        return "{%s}" % ", ".join(
            "%s: %s" % (repr_export(k), repr_export(x)) for k, x in sorted(v.items()))
    return repr(v)


def h64(b):
    return base64.b64encode(b, b"./").strip(b"=\n").decode()


def pbkdf2s5(plaintext, salt, rounds=1000):
    digest = hashlib.pbkdf2_hmac("sha512", plaintext.encode(), salt, rounds, 64)
    return "{PBKDF2S5}%d$%s$%s" % (rounds, h64(salt), h64(digest))


def D(y, m, d, H, M, S):
    # date.Date.get_tuple() as read back from the SQL backend: seconds
    # are float('%06.3f').
    return (y, m, d, H, M, float("%06.3f" % S), 0, 0, 0)


A = D(2026, 11, 25, 15, 29, 41.458)   # initialise
B = D(2026, 11, 25, 15, 31, 2)        # admin adds users and keywords
C = D(2026, 11, 25, 15, 40, 12.5)     # alice opens issue1
E = D(2026, 11, 25, 16, 2, 7.013)     # bob answers with a patch
F = D(2026, 11, 26, 9, 0, 0)          # admin: alice's account, keywords
G = D(2026, 11, 27, 10, 11, 12.999)   # alice: issue2 and a saved query
H = D(2026, 11, 28, 0, 0, 1.001)      # admin retires things
I = D(2026, 11, 28, 0, 0, 2)          # admin re-creates carol

# class -> (property names without the automatic ones, key property)
SCHEMA = {
    "priority": (["name", "order"], "name"),
    "status": (["name", "order"], "name"),
    "keyword": (["name"], "name"),
    "query": (["klass", "name", "url", "private_for"], None),
    "user": (["username", "password", "address", "realname", "phone",
              "organisation", "alternate_addresses", "queries", "roles",
              "timezone"], "username"),
    "msg": (["author", "recipients", "date", "summary", "files",
             "messageid", "inreplyto", "type"], None),  # content: files
    "file": (["name", "type"], None),
    "issue": (["assignedto", "keyword", "priority", "status", "title",
               "messages", "files", "nosy", "superseder"], None),
}
MULTILINKS = {"queries", "recipients", "files", "keyword", "messages",
              "nosy", "superseder"}

items = {c: {} for c in SCHEMA}
journal = {c: [] for c in SCHEMA}
contents = {}


def item(cls, nid, created, creator, activity, actor, retired=False, **props):
    row = {"id": nid, "creation": created, "creator": creator,
           "activity": activity, "actor": actor}
    for p in SCHEMA[cls][0]:
        row[p] = props.get(p, [] if p in MULTILINKS else None)
    row["is retired"] = retired
    items[cls][nid] = row


def j(cls, nid, date, user, action, params):
    journal[cls].append((nid, date, user, action, params))


# initialise: classic initial_data.py
for n, (name) in enumerate(["critical", "urgent", "bug", "feature", "wish"], 1):
    item("priority", str(n), A, "1", A, "1", name=name, order=float(n))
    j("priority", str(n), A, "1", "create", {})
for n, name in enumerate(["unread", "deferred", "chatting", "need-eg",
                          "in-progress", "testing", "done-cbb", "resolved"], 1):
    item("status", str(n), A, "1", A, "1", name=name, order=float(n))
    j("status", str(n), A, "1", "create", {})

item("user", "1", A, "1", A, "1", username="admin", roles="Admin",
     password=pbkdf2s5("secret", b"admin-salt-20-bytes!"),
     address="roundup-admin@localhost")
j("user", "1", A, "1", "create", {})
item("user", "2", A, "1", A, "1", username="anonymous", roles="Anonymous")
j("user", "2", A, "1", "create", {})

# admin adds users and keywords
item("user", "3", B, "1", G, "3", username="alice", roles="User",
     password=pbkdf2s5("alicepw", b"alice-salt-20-bytes!"),
     address="alice@example.com", realname="Alice \u00dcn\u00efc\u00f6d\u00e9",
     organisation="O'Reilly: Books", timezone="Europe/Berlin", queries=["1"])
j("user", "3", B, "1", "create", {})
item("user", "4", B, "1", B, "1", username="bob", roles="User",
     password=pbkdf2s5("bobpw", b"bob-salt-20-bytes!!!"),
     address="bob@example.com", realname='Bob "the builder"',
     phone="+1 555 0100")
j("user", "4", B, "1", "create", {})
item("user", "5", B, "1", B, "1", retired=True, username="carol", roles="User",
     address="carol@example.com")
j("user", "5", B, "1", "create", {})
for n, name in enumerate(["needs review", "\u00dcnicode", "obsolete"], 1):
    j("keyword", str(n), B, "1", "create", {})
item("keyword", "1", B, "1", B, "1", name="needs review")
item("keyword", "2", B, "1", B, "1", name="\u00dcnicode")
item("keyword", "3", B, "1", B, "1", retired=True, name="obsolete")

# alice opens issue1 with msg1 (nosy and msg author/recipients are
# do_journal='no': no link entries for them)
contents["msg", "1"] = ("Hello, this is \u00dcn\u00efc\u00f6d\u00e9.\n\n"
                        'Second paragraph: with a colon and "quotes".\n').encode()
item("msg", "1", C, "3", C, "3", author="3", recipients=["1", "4"], date=C,
     summary="Hello, this is \u00dcn\u00efc\u00f6d\u00e9.",
     messageid="<msg1@example.com>", type="text/plain")
j("msg", "1", C, "3", "create", {})
j("issue", "1", C, "3", "create", {})
j("msg", "1", C, "3", "link", ("issue", "1", "messages"))
j("status", "1", C, "3", "link", ("issue", "1", "status"))
j("priority", "3", C, "3", "link", ("issue", "1", "priority"))
j("keyword", "1", C, "3", "link", ("issue", "1", "keyword"))
j("keyword", "3", C, "3", "link", ("issue", "1", "keyword"))

# bob answers with a patch and a picture, takes the issue
contents["file", "1"] = b"--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-old\n+new\n"
contents["file", "2"] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\xff\xfe:\"'\n"
item("file", "1", E, "4", E, "4", name="fix.patch", type="text/x-diff")
item("file", "2", E, "4", E, "4", name="logo.png", type="image/png")
j("file", "1", E, "4", "create", {})
j("file", "2", E, "4", "create", {})
contents["msg", "2"] = b"A patch is attached.\n"
item("msg", "2", E, "4", E, "4", author="4", recipients=["3"], date=E,
     summary="A patch is attached.", files=["1"],
     messageid="<msg2@example.com>", inreplyto="<msg1@example.com>")
j("msg", "2", E, "4", "create", {})
j("file", "1", E, "4", "link", ("msg", "2", "files"))
j("issue", "1", E, "4", "set", {
    "assignedto": None, "status": "1",
    "files": (("+", ["1", "2"]),),
    "keyword": (("+", ["2"]), ("-", ["3"])),
    "messages": (("+", ["2"]),),
    "nosy": (("+", ["1", "4"]),),
})
j("user", "4", E, "4", "link", ("issue", "1", "assignedto"))
j("status", "1", E, "4", "unlink", ("issue", "1", "status"))
j("status", "3", E, "4", "link", ("issue", "1", "status"))
j("keyword", "3", E, "4", "unlink", ("issue", "1", "keyword"))
j("keyword", "2", E, "4", "link", ("issue", "1", "keyword"))
j("msg", "2", E, "4", "link", ("issue", "1", "messages"))
j("file", "1", E, "4", "link", ("issue", "1", "files"))
j("file", "2", E, "4", "link", ("issue", "1", "files"))

# (retire and restore leave activity and actor alone:
# rdbms_common.py Class.retire only flips __retired__)
# admin fixes alice's account, retires and restores keywords
j("user", "3", F, "1", "set", {"realname": "Alice",
                                "password": "{PBKDF2S5}*encrypted*"})
j("keyword", "3", F, "1", "retired", None)
j("keyword", "2", F, "1", "retired", None)
j("keyword", "2", F, "1", "restored", None)

# alice: issue2 superseded by issue1, a saved query
item("issue", "2", G, "3", G, "3", retired=True,
     title='it\'s: a "quoted" title', status="1", nosy=["3"], superseder=["1"])
j("issue", "2", G, "3", "create", {})
j("issue", "1", G, "3", "link", ("issue", "2", "superseder"))
j("status", "1", G, "3", "link", ("issue", "2", "status"))
item("query", "1", G, "3", G, "3", klass="issue", name="My issues",
     url="@columns=id,title&@filter=assignedto&assignedto=3",
     private_for="3")
j("query", "1", G, "3", "create", {})
j("user", "3", G, "3", "link", ("query", "1", "private_for"))
j("user", "3", G, "3", "set", {"queries": (("+", ["1"]),)})
j("query", "1", G, "3", "link", ("user", "3", "queries"))
item("issue", "1", C, "3", E, "4", title="\u00dcn\u00efc\u00f6d\u00e9 titles",
     assignedto="4", files=["1", "2"], keyword=["1", "2"],
     messages=["1", "2"], nosy=["1", "3", "4"], priority="3", status="3")

# admin: spam message, retirements, a new carol
contents["msg", "3"] = b"spam spam spam\n"
item("msg", "3", H, "1", H, "1", retired=True, author="1", date=H,
     summary="spam spam spam")
j("msg", "3", H, "1", "create", {})
j("msg", "3", H, "1", "retired", None)
j("issue", "2", H, "1", "retired", None)
j("user", "5", H, "1", "retired", None)
item("user", "6", I, "1", I, "1", username="carol", roles="User",
     address="carol@example.org")
j("user", "6", I, "1", "create", {})


class colon_separated(csv.excel):
    delimiter = ":"


if os.path.exists(OUT):
    shutil.rmtree(OUT)
os.makedirs(OUT)
for cls, (props, key) in SCHEMA.items():
    names = sorted(props + ["activity", "actor", "creation", "creator", "id"])
    with open(os.path.join(OUT, cls + ".csv"), "w") as f:
        w = csv.writer(f, colon_separated, lineterminator="\n")
        w.writerow(names + ["is retired"])
        ids = sorted(items[cls], key=int)
        if key:
            ids.sort(key=lambda i: (items[cls][i][key], not items[cls][i]["is retired"]))
        for i in ids:
            row = items[cls][i]
            w.writerow([repr_export(row[p]) for p in names] + [repr_export(row["is retired"])])
            if (cls, i) in contents:
                path = os.path.join(OUT, cls + "-files", str(int(i) // 1000), cls + i)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as cf:
                    cf.write(contents[cls, i])
    with open(os.path.join(OUT, cls + "-journals.csv"), "w") as f:
        w = csv.writer(f, colon_separated, lineterminator="\n")
        # per item in id order, each item's entries by date (stable)
        entries = sorted(journal[cls], key=lambda e: (int(e[0]), e[1]))
        for e in entries:
            w.writerow([repr_export(x) for x in e])
