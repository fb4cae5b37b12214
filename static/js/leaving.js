// A page being left starts no request that may set a cookie, and drops one in
// flight: a new visitor's first CSRF cookie, landing after the next page's,
// would fail that page's forms (docs/architecture.md, "Sections").
// Elements marked data-sets-cookie are the ones that matter.
(() => {
  let leaving = false;
  const inFlight = new Set();
  const setsCookie = (event) => event.detail.elt.closest("[data-sets-cookie]") !== null;

  document.addEventListener("htmx:beforeRequest", (event) => {
    if (leaving && setsCookie(event)) event.preventDefault();
  });
  document.addEventListener("htmx:beforeSend", (event) => {
    if (setsCookie(event)) inFlight.add(event.detail.xhr);
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    inFlight.delete(event.detail.xhr);
  });
  // beforeunload runs before the next page is requested.
  addEventListener("beforeunload", () => {
    leaving = true;
    for (const xhr of inFlight) xhr.abort();
  });
  // Back to this page from the back-forward cache. (A navigation called off
  // leaves the flag set: the fetch is not made, and the plain link stays.)
  addEventListener("pageshow", () => {
    leaving = false;
  });
})();
