// Live places. The static page shows capacity only; when the enrolment app
// answers GET <enrol-base>/api/availability in time, fill in what is left and
// set each 报名 button. Any failure leaves the static page as it was.
// A lottery (data-mode="lottery") has no "places left" before its draw: every
// entry is drawn, so it shows how many entered against the places instead
// (when the app reports `entered`), never 剩余 N 个名额. A cell marked
// data-short sits under a 剩余名额 heading and shows the bare number.
// Offline, the service worker (sw.js) answers with the last answer it saw, marked with
// X-Catalogue-Saved-At: every cell then says 上次更新 HH:MM (or the date, from an earlier day).
// A browser that has just opened a form (a 报名 click) asks past its HTTP cache for half an
// hour, so the parent who enrolled sees the new count, not the 5 s old one the API allows.
(function () {
  var cells = document.querySelectorAll("[data-places]");
  if (!cells.length || !window.fetch || !window.JSON) return;
  var meta = document.querySelector('meta[name="enrol-base"]');
  var base = (meta && meta.content || "").replace(/\/+$/, "");
  var late = false;
  var abort = window.AbortController ? new AbortController() : null;
  var timer = setTimeout(function () { late = true; if (abort) abort.abort(); }, 4000);
  var LABELS = { open: "报名", full: "候补报名", not_open: "报名未开始", closed: "报名已截止" };
  var ENROLLING = "cat-enrolling-since", FRESH_FOR = 30 * 60 * 1000;

  function enrolling() {
    try {
      return Date.now() - Number(localStorage.getItem(ENROLLING) || 0) < FRESH_FOR;
    } catch (error) {
      return false;
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("a[data-enrol][href]");
    if (!button) return;
    try { localStorage.setItem(ENROLLING, String(Date.now())); } catch (error) {}
  });

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function savedLabel(at) {
    var when = new Date(at), now = new Date();
    var clock = pad(when.getHours()) + ":" + pad(when.getMinutes());
    var sameDay = when.toDateString() === now.toDateString();
    return "上次更新 " + (sameDay ? "" : (when.getMonth() + 1) + "月" + when.getDate() + "日 ") + clock;
  }

  function valid(s) {
    return s && typeof s.remaining === "number" && s.remaining >= 0 && typeof s.capacity === "number" && LABELS.hasOwnProperty(s.state);
  }

  function sum(sessions, field) {
    return sessions.reduce(function (n, s) { return n + s[field]; }, 0);
  }

  function describe(s, lottery, short) {
    if (lottery && s.state === "open") {
      var places = "名额 " + s.capacity;
      return typeof s.entered === "number" ? "已报名 " + s.entered + " 人 / " + places : places + "，截止后摇号";
    }
    if (s.state === "open" && s.remaining > 0) return short ? s.remaining + " 个" : "剩余 " + s.remaining + " 个名额";
    if (s.state === "open" || s.state === "full") return "已满，可候补";
    return s.state === "not_open" ? "报名未开始" : "报名已截止";
  }

  function summarise(sessions) {
    var open = sessions.filter(function (s) { return s.state === "open" && s.remaining > 0; });
    if (open.length) {
      var total = { state: "open", remaining: sum(open, "remaining"), capacity: sum(open, "capacity") };
      if (open.every(function (s) { return typeof s.entered === "number"; })) total.entered = sum(open, "entered");
      return total;
    }
    var order = ["full", "not_open", "closed"];
    for (var i = 0; i < order.length; i++) {
      if (sessions.some(function (s) { return s.state === order[i] || (order[i] === "full" && s.state === "open"); })) return { state: order[i], remaining: 0 };
    }
    return null;
  }

  function lookup(data, key) {
    var parts = key.split("/"), program = data[parts[0]];
    if (!program || typeof program !== "object") return null;
    if (parts[1]) return valid(program[parts[1]]) ? program[parts[1]] : null;
    var sessions = Object.keys(program).map(function (id) { return program[id]; });
    return sessions.length && sessions.every(valid) ? summarise(sessions) : null;
  }

  function fill(data, savedAt) {
    [].forEach.call(cells, function (cell) {
      var s = lookup(data, cell.getAttribute("data-places"));
      if (!s) return;
      cell.textContent = describe(s, cell.getAttribute("data-mode") === "lottery", cell.hasAttribute("data-short"));
      cell.setAttribute("data-state", s.state === "open" && s.remaining === 0 ? "full" : s.state);
      if (savedAt) {
        var stale = document.createElement("span");
        stale.className = "cat-stale";
        stale.textContent = "（" + savedLabel(savedAt) + "）";
        cell.appendChild(stale);
      }
    });
    [].forEach.call(document.querySelectorAll("[data-enrol]"), function (button) {
      var s = lookup(data, button.getAttribute("data-enrol"));
      if (!s) return;
      var state = s.state === "open" && s.remaining === 0 ? "full" : s.state;
      button.textContent = LABELS[state];
      if (state === "closed" || state === "not_open") {
        button.setAttribute("aria-disabled", "true");
        button.removeAttribute("href");
      }
    });
  }

  var savedAt = null;
  fetch(base + "/api/availability", {
    signal: abort ? abort.signal : undefined,
    credentials: "omit",
    cache: enrolling() ? "no-cache" : "default",
    headers: { Accept: "application/json" }
  })
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      var saved = Number(response.headers.get("X-Catalogue-Saved-At"));
      if (saved > 0) savedAt = saved;
      return response.json();
    })
    .then(function (data) { if (!late && data && typeof data === "object") fill(data, savedAt); })
    .catch(function () {})
    .then(function () { clearTimeout(timer); });
})();
