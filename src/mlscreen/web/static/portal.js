// Countdown to the assessment's deadline. The server enforces the deadline: once it refuses a save because the
// time is up (409), the page reloads to show that and what was submitted.
(function () {
  const timer = document.getElementById("timer");
  if (!timer || !timer.dataset.deadline) return;
  const deadline = new Date(timer.dataset.deadline + (timer.dataset.deadline.endsWith("Z") || timer.dataset.deadline.includes("+") ? "" : "Z"));
  function tick() {
    const left = Math.max(0, Math.floor((deadline - new Date()) / 1000));
    const m = Math.floor(left / 60), s = left % 60;
    timer.textContent = left > 0 ? m + ":" + String(s).padStart(2, "0") : "time is up";
    if (left < 300) timer.classList.add("late");
  }
  tick();
  setInterval(tick, 1000);
})();
document.addEventListener("htmx:responseError", function (event) {
  if (event.detail.xhr && event.detail.xhr.status === 409) window.location.reload();
});
// "Run examples" answers 422/429 with a message to show in place of the results.
document.addEventListener("htmx:beforeSwap", function (event) {
  if (event.detail.target.id === "examples" && [422, 429].includes(event.detail.xhr.status)) event.detail.shouldSwap = true;
});
