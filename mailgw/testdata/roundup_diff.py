"""Differential-test helper for mailgw (roundup_diff_test.go).

Reads Roundup's roundup/mailgw.py from the checkout named by
$CORRAL_ROUNDUP_SRC, takes its parseContent function and the
parsedMessage.parse_subject method, and runs them on JSON lines from
standard input: ["body", BODY, KEEP_QUOTED] or ["subject", SUBJECT].
Prints one JSON list of results.
"""
import json
import os
import re
import sys
import textwrap

src = open(os.path.join(os.environ["CORRAL_ROUNDUP_SRC"], "roundup", "mailgw.py")).read()
ns = {"re": re}
exec(src[src.index("def parseContent"):], ns)
method = src[src.index("    def parse_subject(self):"):src.index("    def rego_confirm(self):")]
exec(textwrap.dedent(method), ns)

BODY_CONFIG = {
    "MAILGW_EOL_RE": re.compile(r"[\r\n]+"),
    "MAILGW_SIGN_RE": re.compile(r"^[>|\s]*-- ?$"),
    "MAILGW_ORIGMSG_RE": re.compile(r"^[>|\s]*-----\s?Original Message\s?-----$"),
    "MAILGW_BLANKLINE_RE": re.compile(r"[\r\n]+\s*[\r\n]+"),
}
CLASSES = sys.argv[1].split(",") if len(sys.argv) > 1 else ["issue"]


class DB:
    def getclasses(self):
        return sorted(CLASSES)


class Parsed:
    pass


out = []
for line in sys.stdin:
    req = json.loads(line)
    if req[0] == "body":
        summary, content = ns["parseContent"](req[1], keep_citations=req[2], keep_body=False, config=BODY_CONFIG)
        out.append([summary, content])
        continue
    p = Parsed()
    p.subject = req[1]
    p.config = {"MAILGW_SUBJECT_SUFFIX_DELIMITERS": "[]",
                "MAILGW_REFWD_RE": re.compile(r"(\s*\W?\s*(fw|fwd|re|aw|sv|ang)\W)+")}
    p.db = DB()
    p.matches = dict.fromkeys(["refwd", "quote", "classname", "nodeid", "title", "args", "argswhole"])
    ns["parse_subject"](p)
    m = p.matches
    out.append([bool(m["refwd"]), bool(m["quote"]), bool(p.has_prefix), m["classname"] or "",
                m["nodeid"] or "", m["title"], m["args"]])
print(json.dumps(out))
