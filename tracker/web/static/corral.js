// Corral's optional enhancements: every page works without them.
(function () {
  "use strict";
  // bpo's issue page keyboard shortcuts (issue.item.js): f/l first/last
  // message, n/p next/previous message, r reply (focus the comment box),
  // j/k the same as n/p, ? shows the list.
  var msgs = function () { return Array.prototype.slice.call(document.querySelectorAll(".messages .msg")); };
  var cur = -1;
  var go = function (i) {
    var m = msgs();
    if (!m.length) return;
    cur = Math.max(0, Math.min(m.length - 1, i));
    m[cur].scrollIntoView({block: "start"});
  };
  document.addEventListener("keydown", function (e) {
    var t = e.target.tagName;
    if (t === "INPUT" || t === "TEXTAREA" || t === "SELECT" || e.ctrlKey || e.metaKey || e.altKey) return;
    var note = document.getElementById("note");
    switch (e.key) {
    case "f": go(0); break;
    case "l": go(msgs().length - 1); break;
    case "n": case "j": go(cur + 1); break;
    case "p": case "k": go(cur - 1); break;
    case "r": case "i": if (note) { e.preventDefault(); note.focus(); } break;
    case "?": var h = document.getElementById("shortcuts"); if (h) h.hidden = !h.hidden; break;
    default: return;
    }
  });
})();
