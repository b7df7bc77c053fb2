// The catalogue's service worker. Parents open the catalogue from a poster in a hall with poor
// signal: the pages they have seen, their posters and the last answer of /api/availability stay
// readable without a network. A saved availability answer carries X-Catalogue-Saved-At, so
// places.js can say 上次更新 HH:MM instead of passing old numbers off as live.
//
// Personal pages never pass through here: under `make run` the enrolment app shares this
// origin, and its pages (/r/…, /enrol/…, /staff/…, /lookup, /api/… but availability) are left
// to the browser untouched. Anything answered no-store or private is never saved either.
"use strict";

var PAGES = "catalogue-pages-v1";
var PLACES = "catalogue-places-v1";
var SAVED_AT = "X-Catalogue-Saved-At";
var APP = /^\/(api|enrol|r|s|staff|lookup|privacy|dev|healthz|static|favicon\.ico)(\/|$)/;
var FINGERPRINTED = /\.[0-9a-f]{8}\.min\.(js|css)$/;
var PATIENCE = 3000; // a weak 4G answer slower than this loses to the saved copy

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (names) {
        return Promise.all(
          names
            .filter(function (name) {
              return name !== PAGES && name !== PLACES;
            })
            .map(function (name) {
              return caches.delete(name);
            })
        );
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

function isAvailability(url) {
  return /\/api\/availability$/.test(url.pathname);
}

function isCatalogue(url) {
  return url.origin === self.location.origin && !APP.test(url.pathname);
}

function keepable(response) {
  var rule = (response.headers.get("Cache-Control") || "").toLowerCase();
  return response.ok && response.type === "basic" && !/no-store|private/.test(rule);
}

// Pages are saved without their query: /?age=8 reloads offline from the saved home page, and
// filters.js reads the filters from the address again.
function pageKey(url) {
  var key = new URL(url);
  key.search = "";
  key.hash = "";
  return key.href;
}

function save(request, response) {
  if (!keepable(response)) return Promise.resolve();
  var copy = response.clone();
  return caches.open(PAGES).then(function (cache) {
    return cache.put(pageKey(request.url || request), copy);
  });
}

function saved(request) {
  return caches.open(PAGES).then(function (cache) {
    return cache.match(pageKey(request.url));
  });
}

// The network's answer when it comes within PATIENCE, else the saved copy (and a late answer
// still refreshes what is saved); the network's answer or error when nothing is saved.
function networkFirst(request, keep, fallback) {
  return new Promise(function (resolve, reject) {
    var settled = false;
    function answer(response) {
      if (!settled && response) {
        settled = true;
        resolve(response);
        return true;
      }
      return false;
    }
    var network = fetch(request).then(function (response) {
      keep(response);
      return response;
    });
    var timer = setTimeout(function () {
      fallback().then(answer);
    }, PATIENCE);
    network.then(
      function (response) {
        clearTimeout(timer);
        answer(response);
      },
      function (error) {
        clearTimeout(timer);
        fallback().then(function (copy) {
          if (!answer(copy) && !settled) {
            settled = true;
            reject(error);
          }
        });
      }
    );
  });
}

function offlinePage() {
  var body =
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>网络不通</title></head>' +
    "<body><h1>网络不通</h1><p>这一页还没有在这部手机上打开过，没有保存。请连上网络后再试，" +
    '或回到<a href="' +
    new URL("./", self.registration.scope).href +
    '">近期班级</a>（看过的页面不联网也能打开）。</p></body></html>';
  return new Response(body, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

function keepPlaces(key) {
  return function (response) {
    if (!response.ok) return;
    response
      .clone()
      .text()
      .then(function (body) {
        var headers = { "Content-Type": "application/json" };
        headers[SAVED_AT] = String(Date.now());
        return caches.open(PLACES).then(function (cache) {
          return cache.put(key, new Response(body, { headers: headers }));
        });
      })
      .catch(function () {});
  };
}

function places(request) {
  var key = request.url;
  return networkFirst(request, keepPlaces(key), function () {
    return caches.open(PLACES).then(function (cache) {
      return cache.match(key);
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (isAvailability(url)) {
    event.respondWith(places(request));
    return;
  }
  if (!isCatalogue(url)) return;
  if (request.mode === "navigate") {
    event.respondWith(
      networkFirst(request, save.bind(null, request), saved.bind(null, request)).catch(function () {
        return offlinePage();
      })
    );
  } else if (FINGERPRINTED.test(url.pathname)) {
    // A hashed theme file never changes: the saved copy is as good as the network's.
    event.respondWith(
      saved(request).then(function (copy) {
        return (
          copy ||
          fetch(request).then(function (response) {
            save(request, response);
            return response;
          })
        );
      })
    );
  } else {
    event.respondWith(networkFirst(request, save.bind(null, request), saved.bind(null, request)));
  }
});

// offline.js names what the page it runs on needed before this worker took control (the page
// itself, its styles and scripts, the search index, the poster): fetch and save each of them.
self.addEventListener("message", function (event) {
  var urls = event.data && Array.isArray(event.data.keep) ? event.data.keep : [];
  var wanted = urls
    .map(function (text) {
      try {
        return new URL(text, self.registration.scope);
      } catch (error) {
        return null;
      }
    })
    .filter(function (url) {
      return url && (isCatalogue(url) || isAvailability(url));
    });
  var done = Promise.all(
    wanted.map(function (url) {
      // force-cache: what the page has just loaded is taken from the HTTP cache, not downloaded
      // again on a weak connection; only what it did not load (the poster) goes to the network.
      if (isAvailability(url)) {
        return fetch(url.href, { credentials: "omit", cache: "force-cache" })
          .then(keepPlaces(url.href))
          .catch(function () {});
      }
      return fetch(url.href, { credentials: "same-origin", cache: "force-cache" })
        .then(function (response) {
          return save(url.href, response);
        })
        .catch(function () {});
    })
  );
  event.waitUntil(done);
});
