// Macros fill the reply box with a prepared text in the customer's language.
(function () {
  "use strict";
  var box = document.getElementById("reply-body");
  document.querySelectorAll("[data-macro]").forEach(function (button) {
    button.addEventListener("click", function () {
      if (box) { box.value = button.getAttribute("data-macro") + (box.value ? "\n" + box.value : ""); box.focus(); }
    });
  });
})();
