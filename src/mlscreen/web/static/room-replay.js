// The room record's replay: a slider over the code as it was after each recorded edit (frames from the server).
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("room-replay");
  if (!box) return;
  const frames = JSON.parse(box.dataset.frames);
  const slider = document.getElementById("room-replay-time");
  const code = document.getElementById("room-replay-code");
  const at = document.getElementById("room-replay-at");
  function show() {
    const frame = frames[Number(slider.value)];
    code.textContent = frame.code;
    const minutes = Math.floor(frame.t / 60);
    const seconds = Math.floor(frame.t % 60).toString().padStart(2, "0");
    at.textContent = `${minutes}:${seconds} after the first edit`;
  }
  slider.addEventListener("input", show);
  show();
});
