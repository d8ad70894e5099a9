// Patch review: clicking a line number opens the comment box in place
// instead of reloading the page with ?comment=ANCHOR (which still works
// without JavaScript).
(function () {
  "use strict";
  var tmpl = document.getElementById("review-comment-form");
  if (!tmpl || !("content" in tmpl)) return;
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("table.diff td.ln a") : null;
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    if (a.search.indexOf("comment=") < 0) return;
    var anchor = a.hash.slice(1);
    var row = a.closest("tr");
    if (!anchor || !row) return;
    e.preventDefault();
    var next = row.nextElementSibling;
    if (next && next.classList.contains("nonl")) { row = next; next = row.nextElementSibling; }
    var open = next && next.getAttribute("data-open-for") === anchor;
    if (open) { next.querySelector("textarea").focus(); return; }
    var box = tmpl.content.firstElementChild.cloneNode(true);
    box.setAttribute("data-open-for", anchor);
    box.querySelector("input[name='@anchor']").value = anchor;
    // An existing draft: edit it rather than start empty.
    if (next && next.classList.contains("comment") && !next.hasAttribute("data-open-for")) {
      var t = next.querySelector(".draft-text");
      if (t) box.querySelector("textarea").value = t.textContent;
      next.hidden = true;
      box.querySelector("[data-cancel]").addEventListener("click", function () { next.hidden = false; });
    }
    box.querySelector("[data-cancel]").addEventListener("click", function () { box.remove(); });
    row.parentNode.insertBefore(box, row.nextElementSibling);
    if (history.replaceState) history.replaceState(null, "", "#" + anchor);
    box.querySelector("textarea").focus();
  });
})();
