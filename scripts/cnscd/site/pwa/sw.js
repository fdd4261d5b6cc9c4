// The site's service worker, written at the site root by `cnscd build` (cnscd.site.pwa) so its scope is the
// whole site. It precaches the shell (home, forms, styles, scripts, the forms' index) and keeps every page
// and find-index shard a person opened, served from the cache at once and refreshed in the background
// (stale-while-revalidate). It never touches another origin: form submissions go to the intake service
// directly from the page, and the page queues them when offline (bieu-mau/offline.js).
"use strict";
var VERSION = "__CNSCD_VERSION__";
var PRECACHE = __CNSCD_PRECACHE__;
var SHELL = "cnscd-shell-" + VERSION;
var VISITED = "cnscd-visited";
var SCOPE = self.registration.scope;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) {
    return cache.addAll(PRECACHE.map(function (path) { return new Request(SCOPE + path, { cache: "reload" }); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf("cnscd-shell-") === 0 && name !== SHELL; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

var OFFLINE_PAGE = "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><meta name=\"viewport\" " +
  "content=\"width=device-width,initial-scale=1\"><title>Chưa có mạng</title><body style=\"font-family:sans-serif;" +
  "padding:1rem\"><h1>Chưa có mạng</h1><p>Trang này chưa được mở trên máy này khi có mạng nên chưa xem được." +
  " Các trang đã xem và các biểu mẫu vẫn dùng được.</p><p><a href=\"" + SCOPE + "\">Trang chủ</a> · <a href=\"" +
  SCOPE + "bieu-mau/\">Biểu mẫu</a></p></body></html>";

// Pages, the find index, the forms' lists, styles, scripts and images; never the downloads (a national CSV
// or the data package would fill a cheap phone).
var SMALL = /\.(json|css|js|svg|png|webmanifest)$/;
function keep(request, response) {
  var type = response.headers.get("Content-Type") || "";
  return type.indexOf("text/html") === 0 || SMALL.test(new URL(request.url).pathname);
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || request.url.indexOf(SCOPE) !== 0) { return; }
  var navigate = request.mode === "navigate";
  // Forms opened as bieu-mau/to/?xa=26506 are the precached bieu-mau/to/.
  var options = { ignoreSearch: navigate, ignoreVary: true };
  event.respondWith(caches.match(request, options).then(function (cached) {
    var network = fetch(request).then(function (response) {
      if (response.ok && response.type === "basic" && keep(request, response)) {
        var copy = response.clone();
        caches.open(VISITED).then(function (cache) { return cache.put(request, copy); });
      }
      return response;
    });
    if (cached) {
      event.waitUntil(network.catch(function () {}));
      return cached;
    }
    return network.catch(function () {
      return navigate ? new Response(OFFLINE_PAGE, { headers: { "Content-Type": "text/html; charset=utf-8" } })
        : Response.error();
    });
  }));
});
