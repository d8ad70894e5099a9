"""Differential-test helper for mailgw (roundup_diff_test.go).

Reads Roundup's roundup/mailgw.py from the checkout named by
$CORRAL_ROUNDUP_SRC, takes its parseContent function and the
parsedMessage.parse_subject method, and runs them on JSON lines from
standard input: ["body", BODY, KEEP_QUOTED] or ["subject", SUBJECT].
With the whole roundup package importable from that checkout it also
answers ["mime", MESSAGE, IGNORE_ALTERNATIVES, UNPACK_RFC822] with
RoundupMessage.extract_content and ["header", VALUE] with its header
decoding. Prints one JSON list of results.
"""
import base64
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


def mime(raw, ignore_alternatives, unpack):
    sys.path.insert(0, os.environ["CORRAL_ROUNDUP_SRC"])
    import email
    from roundup.mailgw import RoundupMessage
    msg = email.message_from_bytes(raw.encode("utf-8", "surrogateescape"), RoundupMessage)
    content, atts, _ = msg.extract_content(ignore_alternatives=ignore_alternatives, unpack_rfc822=unpack)
    out = []
    for a in atts:
        if a is None:
            continue
        name, typ, data = a
        if isinstance(data, bytes):
            data = "base64:" + base64.b64encode(data).decode("ascii")
        out.append([name or "", typ, data])
    return [content, out]


def header(value):
    sys.path.insert(0, os.environ["CORRAL_ROUNDUP_SRC"])
    from roundup.mailgw import RoundupMessage
    return RoundupMessage()._decode_header(value)


out = []
for line in sys.stdin:
    req = json.loads(line)
    if req[0] == "mime":
        out.append(mime(req[1], req[2], req[3]))
        continue
    if req[0] == "header":
        try:
            out.append(header(req[1]))
        except Exception as e:  # Roundup's unexpected-error bounce
            out.append(None)
        continue
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
