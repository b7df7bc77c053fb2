// Home page filters: every card carries its facts in data-* attributes, so
// filtering needs no server. Without JavaScript the panel stays hidden and
// every card shows.
// The chosen filters live in the address (?age=8&tag=花饽饽), so Back, a
// shared link and a QR code all bring the same list back. On a phone the
// panel starts folded so the first class is on the first screen.
(function () {
  var panel = document.querySelector("details.cat-filter-panel");
  var form = document.querySelector("form.cat-filters");
  if (!panel || !form) return;
  var cards = [].slice.call(document.querySelectorAll(".cat-card"));
  var count = document.querySelector(".cat-count");
  var none = document.querySelector(".cat-none");
  var active = panel.querySelector(".cat-filter-active");
  var NAMES = ["place", "age", "month", "audience", "tag", "free"];

  function matches(card, f) {
    var d = card.dataset;
    if (f.place) {
      var parts = f.place.split("|");
      if (d.district !== parts[0] || (parts[1] && d.street !== parts[1])) return false;
    }
    if (f.age !== null) {
      var ages = d.ages.split(" ").map(Number);
      if (!d.ages || f.age < ages[0] || f.age > ages[1]) return false;
    }
    if (f.month && d.months.split(" ").indexOf(f.month) < 0) return false;
    if (f.audience && d.audience !== f.audience) return false;
    if (f.tag && d.tags.split("|").indexOf(f.tag) < 0) return false;
    if (f.free && d.free !== "1") return false;
    return true;
  }

  function chosen() {
    var age = form.age.value === "" ? null : Number(form.age.value);
    return {
      place: form.place.value,
      age: age === null || isNaN(age) ? null : age,
      month: form.month.value,
      audience: form.audience.value,
      tag: form.tag.value,
      free: form.free.checked
    };
  }

  function remember(f) {
    var query = new URLSearchParams();
    NAMES.forEach(function (name) {
      var value = f[name];
      if (value === null || value === "" || value === false) return;
      query.set(name, value === true ? "1" : String(value));
    });
    var text = query.toString();
    var url = location.pathname + (text ? "?" + text : "") + location.hash;
    if (url !== location.pathname + location.search + location.hash) history.replaceState(history.state, "", url);
    return text ? text.split("&").length : 0;
  }

  function restore() {
    var query = new URLSearchParams(location.search);
    NAMES.forEach(function (name) {
      var field = form.elements[name], value = query.has(name) ? query.get(name) : "";
      if (field.type === "checkbox") field.checked = value === "1";
      else if (field.tagName === "SELECT") {
        if ([].some.call(field.options, function (o) { return o.value === value; })) field.value = value;
      } else field.value = value;
    });
  }

  function apply() {
    var f = chosen();
    var shown = 0;
    cards.forEach(function (card) {
      var ok = matches(card, f);
      card.hidden = !ok;
      if (ok) shown += 1;
    });
    count.textContent = "共 " + shown + " 个班";
    none.hidden = shown > 0;
    var n = remember(f);
    active.textContent = n ? "（已选 " + n + " 项）" : "";
  }

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  // Back to a page the browser kept in memory: the address is the truth, not what the fields remember.
  window.addEventListener("pageshow", function (event) { if (event.persisted) { restore(); apply(); } });
  restore();
  apply();
  panel.open = window.matchMedia("(min-width: 45em)").matches;
  panel.hidden = false;
})();
