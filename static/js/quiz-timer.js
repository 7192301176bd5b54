// The countdown on a quiz page. The server owns the deadline and refuses late answers; this only
// shows the time left. It measures elapsed time with performance.now(), starting from the
// server's own clock reading, so a wrong or changed device clock cannot shift it.
(() => {
  "use strict";

  const start = () => {
    const clock = document.querySelector("time.countdown[data-deadline-ms]");
    if (!clock) return;
    const remainingAtLoad = Number(clock.dataset.deadlineMs) - Number(clock.dataset.nowMs);
    const loadedAt = performance.now();
    const alert = document.querySelector(".countdown-alert");
    let warned = clock.classList.contains("countdown-warn");

    const tick = () => {
      const left = Math.max(0, remainingAtLoad - (performance.now() - loadedAt));
      const seconds = Math.ceil(left / 1000);
      clock.textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
      if (seconds <= 60 && !warned) {
        warned = true;
        clock.classList.add("countdown-warn");
        if (alert) alert.textContent = alert.dataset.warning;
      }
      if (left <= 0) {
        // The next request finds the attempt past its deadline and shows the results.
        window.location.assign(clock.dataset.expiredUrl);
        return;
      }
      window.setTimeout(tick, Math.min(1000, left % 1000 || 1000));
    };
    tick();
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
