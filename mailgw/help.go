package mailgw

// helpText is the reply to a mail whose subject is "help" and the
// appendix of usage bounces (Roundup sends its mailgw module docstring;
// this is Corral's description of the same rules).
const helpText = `An e-mail gateway for the issue tracker.

Incoming messages are examined for multiple parts:
 . In a multipart/mixed message or part, the first text/plain part is the
   body of the message, stored as a "msg" item. Every other part is stored
   as a "file" item linked to the message.
 . In a multipart/alternative message or part, the text/plain alternative
   is used and the others are attached (or dropped, if the tracker is so
   configured). HTML-only mail is converted to text if the tracker allows
   it, and refused otherwise.
 . An attached message (message/rfc822) is stored as one .eml file, or
   unpacked into its parts if the tracker is so configured.

Addresses
---------
The From: address (or Resent-From:) identifies the author; it must belong
to a registered user (their address or one of their alternate addresses),
unless the tracker registers unknown senders automatically. The To: and
Cc: addresses that belong to users become the message's recipients.

Actions
-------
The subject line decides what the mail does.

  help
    Reply with this text.

  ... -- key <key>
    Complete a registration started on the web site: reply to the
    registration mail without changing its subject.

  [issue] Title of the new issue
    Create a new item of the class (here: issue), titled by the rest of
    the subject. Without any [class] the tracker's default class is used.

  Re: [issue42] Anything
    Add the message to issue 42. Reply and forward prefixes (Re:, Fwd:,
    AW:, SV:, ...) and a mailing-list tag before the designator are
    ignored. A subject text that differs from the title renames the item.

  Re: Title of an existing issue
    Without a designator, a reply is added to the item the mail answers
    (In-Reply-To:), or else to the item with exactly that title.

  [issue42] Anything [status=closed;nosy=+alice,-bob]
    Set properties at the end of the subject: prop=value pairs separated
    by ';'. Link values name the linked item by its key or id; list
    values are comma-separated, "+x" adds and "-x" removes x.

Body
----
Quoted text (lines starting with '>' or '|'), a signature after "-- " and
an "-----Original Message-----" block may be removed, as the tracker is
configured. The first line or sentence of the remaining text becomes the
message summary.

Errors
------
A mail that cannot be handled is returned with an explanation.
`
