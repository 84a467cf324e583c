// Keeps the home-visit form usable offline: the visit pages and their static files are
// fetched from the network when possible, and from this copy when not. Only visit pages and
// static files are kept; a completed visit's page asks for its copy to be forgotten.
"use strict";
var CACHE = "doudi-visit-v1";
var VISIT = /^\/casework\/visits\/\d+\/$/;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function keepable(url) {
  return url.origin === self.location.origin &&
    (VISIT.test(url.pathname) || url.pathname.indexOf("/static/") === 0);
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.keep) {
    event.waitUntil(caches.open(CACHE).then(function (cache) {
      return Promise.all(data.keep.filter(function (path) {
        return keepable(new URL(path, self.location.origin));
      }).map(function (path) {
        return fetch(path, { credentials: "same-origin", redirect: "manual" }).then(function (response) {
          if (response.ok && response.type === "basic") return cache.put(path, response);
        }).catch(function () {});
      }));
    }));
  }
  if (data.forget) {
    event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.delete(data.forget); }));
  }
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (!keepable(url)) return;
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok && response.type === "basic" && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(url.pathname).then(function (hit) { return hit || Response.error(); });
  }));
});
