// The enrolment form's 获取验证码 button: with JavaScript it asks /api/verification and counts
// down instead of reloading the page; without it the button submits the form, which sends the code
// and comes back with everything typed kept (forms_app/verification.py). No inline script: the CSP forbids it.
(function () {
  "use strict";
  var WAIT = 60;

  function countDown(button, seconds) {
    var label = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", label);
    button.disabled = true;
    var left = seconds;
    button.textContent = left + " 秒后可重新获取";
    var timer = setInterval(function () {
      left -= 1;
      if (left <= 0) {
        clearInterval(timer);
        button.disabled = false;
        button.textContent = label;
      } else {
        button.textContent = left + " 秒后可重新获取";
      }
    }, 1000);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-send-code]");
    if (!button || !window.fetch) { return; }
    var form = button.form;
    if (form.code && form.code.value.trim()) { return; }
    event.preventDefault();
    var status = form.querySelector("[data-code-status]");
    var phone = form.phone ? form.phone.value : "";
    button.disabled = true;
    fetch("/api/verification", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ phone: phone }),
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, status: response.status, body: body }; });
    }).then(function (answer) {
      var body = answer.body || {};
      var message = body.message || (body.errors && (body.errors.phone || body.errors.body)) || "暂时发不出验证码，请稍后再试。";
      if (status) { status.textContent = answer.ok ? message + "收到后填在这里，再点“提交报名”。" : message; }
      if (answer.ok) {
        countDown(button, body.resend_after || WAIT);
        if (form.code) { form.code.focus(); }
      } else {
        button.disabled = false;
      }
    }).catch(function () {
      button.disabled = false;
      if (status) { status.textContent = "网络不通，请稍后再试。"; }
    });
  });
})();
