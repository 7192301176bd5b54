// Site-wide enhancements; every page works without this file.
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.target.closest("input, textarea, select")) return;
  const search = document.querySelector("input[type=search]");
  if (search) { event.preventDefault(); search.focus(); }
});

// A 400 or 422 is a page region the view rendered to be shown inline (htmx-config in base.html swaps
// it into its target). Under DEBUG, django-htmx's error handler, listening on document, would replace
// the whole page with that fragment; stop the event on <body> so the page looks the same in both modes.
document.body.addEventListener("htmx:beforeOnLoad", (event) => {
  const status = event.detail.xhr ? event.detail.xhr.status : 0;
  if (status === 400 || status === 422) event.stopPropagation();
});

// Phones: the simulator result sits below the form, so after a change bring it into view.
document.body.addEventListener("htmx:afterSettle", (event) => {
  if (!window.matchMedia("(max-width: 800px)").matches) return;
  const source = event.detail.requestConfig ? event.detail.requestConfig.elt : null;
  if (!source || !source.closest || !source.closest(".sim-form, .sim-layout")) return;
  const result = document.querySelector(".sim-result");
  if (result) result.scrollIntoView({ block: "start" });
});
