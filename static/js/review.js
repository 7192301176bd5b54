// Keyboard shortcuts for the review page (Space shows the answer, then Space/Enter rate Good, 1-4, Z), and time-zone detection on the sign-up form.
// Everything here is an enhancement: the pages work with plain forms and <details> without it.
(() => {
  "use strict";

  const session = () => document.getElementById("review-session");

  const typingInField = (target) =>
    target instanceof Element && target.closest("input, textarea, select, [contenteditable]");

  document.addEventListener("keydown", (event) => {
    const root = session();
    if (!root || event.ctrlKey || event.metaKey || event.altKey || event.repeat || typingInField(event.target)) return;
    const reveal = root.querySelector("details.reveal");
    // A focused <summary> opens on Space by itself; handling it here too would toggle it twice.
    if (event.key === " " && reveal && !reveal.open && !event.target.closest?.("summary")) {
      event.preventDefault();
      reveal.open = true;
      root.querySelector(".card-answer")?.focus({ preventScroll: true });
      return;
    }
    // As in Anki: once the answer shows, Space or Enter rates Good. A focused control keeps its own keys.
    if ((event.key === " " || event.key === "Enter") && reveal && reveal.open
        && !event.target.closest?.("button, a, summary, input, select, textarea")) {
      const good = root.querySelector('.rating-form button[name="rating"][value="3"]');
      if (good) { event.preventDefault(); good.click(); }
      return;
    }
    if (/^[1-4]$/.test(event.key) && reveal && reveal.open) {
      const button = root.querySelector(`.rating-form button[name="rating"][value="${event.key}"]`);
      if (button) { event.preventDefault(); button.click(); }
      return;
    }
    if (event.key === "z" || event.key === "Z") {
      const undo = root.querySelector(".undo-button");
      if (undo) { event.preventDefault(); undo.click(); }
    }
  });

  // After htmx swaps in the next card, move focus to it so screen readers announce it
  // and Space does not activate a button that had focus.
  document.addEventListener("htmx:afterSwap", () => {
    session()?.querySelector(".card-question, .review-done h2")?.focus();
  });

  // Preselect the browser's time zone on a fresh sign-up form (the server default is UTC).
  document.querySelectorAll("select[data-detect-time-zone]").forEach((select) => {
    if (select.closest("form")?.querySelector(".errorlist")) return;
    if (select.value !== "UTC" || !window.Intl) return;
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && [...select.options].some((option) => option.value === zone)) select.value = zone;
  });
})();
