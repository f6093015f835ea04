// The survey builder's small progressive enhancement (the pages work without it):
// the branching rule shows only the inputs that fit the question it depends on.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  function part(root, name) {
    return root.querySelector('[data-branch-part="' + name + '"]');
  }
  function show(element, visible) {
    if (element) element.hidden = !visible;
  }
  ready(function () {
    var root = document.querySelector("[data-branching]");
    if (!root) return;
    var question = root.querySelector('select[name="show_if_question"]');
    var operator = root.querySelector('select[name="show_if_operator"]');
    var choices = root.querySelector('select[name="show_if_choices"]');
    if (!question || !operator || !choices) return;
    // A choice question's answers are the optgroup labelled with its key.
    function groupOf(key) {
      var groups = choices.querySelectorAll("optgroup");
      for (var i = 0; i < groups.length; i++) {
        if (groups[i].label === key) return groups[i];
      }
      return null;
    }
    function update() {
      var key = question.value;
      var group = key ? groupOf(key) : null;
      var numeric = Boolean(key) && !group;
      choices.querySelectorAll("optgroup").forEach(function (each) {
        each.hidden = each !== group;
      });
      operator.querySelectorAll("option").forEach(function (option) {
        option.hidden = option.value === "any_of";
      });
      if (numeric && operator.value === "any_of") operator.value = "between";
      show(part(root, "operator"), numeric);
      show(part(root, "low"), numeric && operator.value !== "at_most");
      show(part(root, "high"), numeric && operator.value !== "at_least");
      show(part(root, "choices"), Boolean(group));
    }
    question.addEventListener("change", update);
    operator.addEventListener("change", update);
    update();
  });
})();
