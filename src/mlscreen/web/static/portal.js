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
// The session recording (kept by the editor, web/frontend/recorder.js) travels with each autosave; the answer's
// headers say up to which event the server stored it. The final batch goes with the submitted form.
document.addEventListener("htmx:configRequest", function (event) {
  const recorder = window.mlscreenRecorder;
  if (!recorder || !String(event.detail.path).endsWith("/draft")) return;
  recorder.add("save");
  const batch = recorder.batch();
  if (!batch) return;
  const params = event.detail.parameters;
  if (typeof params.set === "function") params.set("recording", batch);
  else params.recording = batch;
});
document.addEventListener("htmx:afterRequest", function (event) {
  const recorder = window.mlscreenRecorder, xhr = event.detail.xhr;
  const seq = xhr ? xhr.getResponseHeader("X-Recording-Seq") : null;
  if (recorder && seq !== null) recorder.ack(Number(seq), xhr.getResponseHeader("X-Recording-State"));
});
// A run of the examples, with how many matched (the fragment's data attributes).
document.addEventListener("htmx:afterSwap", function (event) {
  const recorder = window.mlscreenRecorder;
  if (!recorder || event.detail.target.id !== "examples") return;
  const summary = event.detail.target.querySelector("[data-total]");
  if (summary) recorder.add("run", { p: Number(summary.dataset.matched), n: Number(summary.dataset.total), st: summary.dataset.status });
  else recorder.add("run", { p: 0, n: 0, st: "refused" });
});
(function () {
  const form = document.getElementById("assessment"), field = document.getElementById("recording-batch");
  if (!form || !field) return;
  form.addEventListener("submit", function () {
    const recorder = window.mlscreenRecorder;
    if (!recorder) return;
    recorder.add("submit");
    field.value = recorder.batch();
  });
})();
