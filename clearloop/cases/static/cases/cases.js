// Keyboard use of the case queue: j / k move between rows, Enter opens, x selects.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll(".case-row"));
  if (!rows.length) return;
  var current = -1;
  function focusRow(index) {
    if (index < 0 || index >= rows.length) return;
    if (current >= 0) rows[current].classList.remove("is-current");
    current = index;
    rows[current].classList.add("is-current");
    rows[current].querySelector(".case-link").focus();
  }
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.metaKey || event.ctrlKey) return;
    if (event.key === "j") { focusRow(current + 1); event.preventDefault(); }
    else if (event.key === "k") { focusRow(Math.max(0, current - 1)); event.preventDefault(); }
    else if (event.key === "x" && current >= 0) {
      var box = rows[current].querySelector("input[type=checkbox]");
      box.checked = !box.checked; event.preventDefault();
    }
  });
})();
