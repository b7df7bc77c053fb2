// Offline reading: registers the catalogue's service worker (sw.js at the site's root, so its
// scope is the whole catalogue) and hands it what this page needed before the worker took
// control: the page itself, its styles and scripts, the search index and, on a program page,
// the A4 poster. From the next visit on the worker saves what it serves by itself.
(function () {
  if (!("serviceWorker" in navigator) || !window.caches || !document.currentScript) return;
  var root = new URL("../", document.currentScript.src);
  var origin = location.origin;

  function wanted() {
    var urls = [location.href];
    if (window.performance && performance.getEntriesByType) {
      performance.getEntriesByType("resource").forEach(function (entry) {
        if (entry.name.indexOf(origin + "/") === 0 || /\/api\/availability$/.test(entry.name)) urls.push(entry.name);
      });
    }
    [].forEach.call(document.querySelectorAll('a[href$="poster.html"]'), function (link) {
      urls.push(link.href);
    });
    if (urls.some(function (url) { return /poster\.html$/.test(url); })) urls.push(new URL("assets/poster.js", root).href);
    return urls;
  }

  navigator.serviceWorker.register(new URL("sw.js", root).href).catch(function () {});
  navigator.serviceWorker.ready.then(function (registration) {
    if (!registration.active) return;
    var send = function () { registration.active.postMessage({ keep: wanted() }); };
    if (document.readyState === "complete") send();
    else window.addEventListener("load", send);
  });
})();
