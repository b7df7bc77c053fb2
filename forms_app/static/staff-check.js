// The form view checks as staff fill it in (program_form.py): when someone leaves a box they changed
// for another box, the form is sent with action=check as an ordinary submission and comes back with
// each message beside its box and the cursor in the box they were moving to. It is a page load, not
// a fetch, because the console answers no script's requests (isolation.py); the console forbids
// inline script, so it is wired from here. Without script the 检查 button does the same.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form.program-form");
  if (!form) return;
  var check = form.querySelector('button[name=action][value=check]');
  var focus = form.querySelector("input[name=focus]");
  var changed = null;
  form.addEventListener("input", function (event) {
    if (event.target.closest(".field")) changed = event.target;
  });
  form.addEventListener("focusout", function (event) {
    var next = event.relatedTarget;
    if (!changed || event.target !== changed || !next || !next.closest || !next.closest(".field")) return;
    changed = null;
    focus.value = next.id;
    if (form.requestSubmit) form.requestSubmit(check); else check.click();
  });
});
