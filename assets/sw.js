// Service worker that keeps the app usable offline after the first visit. Requests go to the
// network first, so a rebuilt site is picked up at once, and every successful same-origin GET is
// cached, so the last version that loaded still opens without a network.
const CACHE = "vicreg-playground-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) {
    return;
  }
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(() =>
        caches.match(request, { ignoreSearch: true }).then(
          (cached) => cached || caches.match("./index.html"),
        ),
      ),
  );
});
