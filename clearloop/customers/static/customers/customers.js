// The segment builder: removing a rule row, then asking for a fresh live count.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove-rule]");
    if (!button) return;
    var form = button.closest("form");
    button.closest(".rule-row").remove();
    if (form && window.htmx) window.htmx.trigger(form, "rules-changed");
  });
})();
