// Home page filters: every card carries its facts in data-* attributes, so
// filtering needs no server. Without JavaScript the form stays hidden and
// every card shows.
(function () {
  var form = document.querySelector("form.cat-filters");
  if (!form) return;
  var cards = [].slice.call(document.querySelectorAll(".cat-card"));
  var count = document.querySelector(".cat-count");
  var none = document.querySelector(".cat-none");

  function matches(card, f) {
    var d = card.dataset;
    if (f.place) {
      var parts = f.place.split("|");
      if (d.district !== parts[0] || (parts[1] && d.street !== parts[1])) return false;
    }
    if (f.age) {
      var ages = d.ages.split(" ").map(Number);
      if (!d.ages || f.age < ages[0] || f.age > ages[1]) return false;
    }
    if (f.month && d.months.split(" ").indexOf(f.month) < 0) return false;
    if (f.audience && d.audience !== f.audience) return false;
    if (f.tag && d.tags.split("|").indexOf(f.tag) < 0) return false;
    if (f.free && d.free !== "1") return false;
    return true;
  }

  function apply() {
    var f = {
      place: form.place.value,
      age: form.age.value === "" ? null : Number(form.age.value),
      month: form.month.value,
      audience: form.audience.value,
      tag: form.tag.value,
      free: form.free.checked
    };
    var shown = 0;
    cards.forEach(function (card) {
      var ok = matches(card, f);
      card.hidden = !ok;
      if (ok) shown += 1;
    });
    count.textContent = "共 " + shown + " 个班";
    none.hidden = shown > 0;
  }

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  form.hidden = false;
})();
