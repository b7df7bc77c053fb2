// Material's search worker with a small typo tolerance for Chinese. lunr matches whole words and
// prefixes only, so 花悖悖 (one wrong pick in the input method, typed twice) finds nothing. This
// wrapper runs Material's own worker (named by ?worker=, in this folder so its relative imports
// of lunr still resolve) and, before a query reaches it, replaces a Chinese word of three or more
// characters that the index does not contain by the one indexed word it differs from in a single
// character, wherever that character occurs (花悖悖 → 花饽饽, 兵马桶 → 兵马俑). A word the index
// knows, even inside a longer one, is never touched; when two words fit equally, none is chosen.
"use strict";
(function () {
  var name = new URL(self.location.href).searchParams.get("worker") || "";
  if (!/^search\.[0-9a-f]{8}\.min\.js$/.test(name)) throw new Error("unexpected search worker: " + name);

  var HAN = /[\u4e00-\u9fff]+/g;
  var handlers = [];
  var listen = self.addEventListener.bind(self);
  self.addEventListener = function (type, handler, options) {
    if (type === "message") handlers.push(handler);
    else listen(type, handler, options);
  };
  importScripts(name);
  self.addEventListener = listen;

  var known = null; // every run of Chinese characters in the index, and each of its substrings
  var shapes = null; // "花?" + "?" → words that read so with one character left out

  function learn(index) {
    known = new Set();
    shapes = new Map();
    var separator = new RegExp((index.config && index.config.separator) || "[\\s\\u200b]+");
    (index.docs || []).forEach(function (doc) {
      var text = ((doc.title || "") + " " + (doc.text || "")).replace(/<[^>]*>/g, " ");
      text.split(separator).forEach(function (token) {
        (token.match(HAN) || []).forEach(function (word) {
          if (known.has(word)) return;
          for (var i = 0; i < word.length; i++) {
            for (var j = i + 1; j <= word.length && j - i <= 8; j++) known.add(word.slice(i, j));
          }
          if (word.length < 3) return;
          new Set(word).forEach(function (character) {
            var shape = word.split(character).join("?");
            if (shape.replace(/\?/g, "") === "") return; // one letter at least must stay
            var words = shapes.get(shape) || new Set();
            words.add(word);
            shapes.set(shape, words);
          });
        });
      });
    });
  }

  function correct(word) {
    if (word.length < 3 || known.has(word)) return word;
    var found = new Set();
    new Set(word).forEach(function (character) {
      var words = shapes.get(word.split(character).join("?"));
      if (words) words.forEach(function (candidate) { found.add(candidate); });
    });
    return found.size === 1 ? found.values().next().value : word;
  }

  listen("message", function (event) {
    var message = event.data;
    if (message && message.type === 0 && message.data) learn(message.data);
    if (message && message.type === 2 && typeof message.data === "string" && known) {
      message = { type: 2, data: message.data.replace(HAN, correct) };
    }
    handlers.forEach(function (handler) {
      handler({ data: message });
    });
  });
})();
