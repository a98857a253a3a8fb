// Countdown to the assessment's deadline; the server enforces nothing from it, it only informs the candidate.
(function () {
  const timer = document.getElementById("timer");
  if (!timer || !timer.dataset.deadline) return;
  const deadline = new Date(timer.dataset.deadline + (timer.dataset.deadline.endsWith("Z") || timer.dataset.deadline.includes("+") ? "" : "Z"));
  function tick() {
    const left = Math.max(0, Math.floor((deadline - new Date()) / 1000));
    const m = Math.floor(left / 60), s = left % 60;
    timer.textContent = m + ":" + String(s).padStart(2, "0");
    if (left < 300) timer.classList.add("late");
  }
  tick();
  setInterval(tick, 1000);
})();
