// Clearloop's small layer of behaviour on top of htmx. No inline scripts (CSP).
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    // Forms marked data-autosubmit submit when a select changes (language, organization).
    document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    // Mobile navigation toggle.
    var toggle = document.querySelector("[data-nav-toggle]");
    var sidebar = document.getElementById("sidebar");
    if (toggle && sidebar) {
      toggle.addEventListener("click", function () {
        var open = sidebar.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    // Copy buttons (API token shown once).
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var target = document.getElementById(button.getAttribute("data-copy"));
        if (!target || !navigator.clipboard) return;
        // An input's text is its value; other elements copy what they show.
        var text = "value" in target ? target.value : target.textContent;
        navigator.clipboard.writeText(text.trim()).then(function () {
          button.textContent = button.getAttribute("data-copied") || "Copied";
        });
      });
    });
    // Confirm destructive actions.
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  });
})();
