// The session replay player: rebuilds the candidate's code at any moment of the recording (the same change sets
// the server's integrity/replay.py applies), with a scrubber, playback at 1x-16x and the events beside the code.
(function () {
  const root = document.getElementById("replay");
  if (!root) return;
  const events = JSON.parse(root.dataset.events);
  if (!events.length) return;
  const start = events[0].t;
  const at = (e) => e.t - start;
  const end = at(events[events.length - 1]);
  const LONG_PAUSE = 60000, SKIP_OVER = 5000, CHECKPOINT = 100;
  const code = document.getElementById("replay-code"), now = document.getElementById("replay-now");
  const scrubber = document.getElementById("replay-scrubber"), clock = document.getElementById("replay-clock");
  const play = document.getElementById("replay-play"), speed = document.getElementById("replay-speed");
  const skip = document.getElementById("replay-skip"), timeline = document.getElementById("replay-timeline");

  // Positions count UTF-16 units, as JavaScript strings do, so a change set applies directly.
  function apply(doc, changes) {
    let out = "", pos = 0;
    for (const part of changes) {
      if (typeof part === "number") { out += doc.slice(pos, pos + part); pos += part; }
      else { out += part.slice(1).join("\n"); pos += part[0]; }
    }
    return out + doc.slice(pos);
  }
  function step(doc, e) {
    if (e.k === "load" || e.k === "resync") return e.d;
    if (e.k === "change") return apply(doc, e.c);
    return doc;
  }
  // The text after every CHECKPOINT-th event, so seeking replays at most CHECKPOINT changes.
  const checkpoints = [];
  let doc = "";
  events.forEach((e, i) => { if (i % CHECKPOINT === 0) checkpoints.push(doc); doc = step(doc, e); });
  function textAfter(index) {
    if (index < 0) return "";
    const base = Math.floor(index / CHECKPOINT);
    let text = checkpoints[base];
    for (let i = base * CHECKPOINT; i <= index; i++) text = step(text, events[i]);
    return text;
  }
  function lastIndexAt(ms) {
    let lo = -1, hi = events.length - 1;
    while (lo < hi) { const mid = Math.ceil((lo + hi + 1) / 2); if (at(events[mid]) <= ms) lo = mid; else hi = mid - 1; }
    return lo;
  }
  function clockText(ms) {
    const s = Math.floor(ms / 1000);
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }
  function describe(e, i) {
    switch (e.k) {
      case "load": return i === 0 ? "the assessment page opened" : "the page was opened again";
      case "resync": return "recorded again after lost events";
      case "paste": return "pasted " + e.n + " characters " + (e.x ? "from outside the editor" : "copied in the editor");
      case "away": return e.r === "hidden" ? "left the page (another tab or window)" : "the page lost the focus";
      case "back": return e.r === "hidden" ? "came back to the page" : "the page regained the focus";
      case "run": return e.st === "refused" ? "ran the examples (refused)" : "ran the examples: " + e.p + " of " + e.n + " match";
      case "save": return "autosaved";
      case "submit": return "submitted";
      default: return e.o ? "edit (" + e.o + ")" : "edit made without typing";
    }
  }
  // The timeline: every event worth jumping to, and each pause of a minute or more.
  const marks = [];
  events.forEach((e, i) => {
    if (i > 0 && at(e) - at(events[i - 1]) >= LONG_PAUSE) {
      marks.push({ ms: at(events[i - 1]), label: "pause of " + clockText(at(e) - at(events[i - 1])), kind: "pause" });
    }
    const big = e.k === "change" && !e.o && JSON.stringify(e.c).length > 60;
    if (e.k !== "change" && e.k !== "save" || big) {
      const kind = e.k === "paste" && e.x ? "paste-outside" : e.k;
      // A paste's mark shows the code with the pasted text in it: the moment of the change that follows it.
      const next = events[i + 1];
      const ms = e.k === "paste" && next && next.k === "change" && at(next) - at(e) < 1000 ? at(next) : at(e);
      marks.push({ ms: ms, label: describe(e, i), kind: kind });
    }
  });
  const items = marks.map((m) => {
    const li = document.createElement("li");
    li.className = "kind-" + m.kind;
    li.dataset.kind = m.kind;
    li.dataset.at = String(m.ms);
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = clockText(m.ms) + " " + m.label;
    button.addEventListener("click", () => { stop(); show(m.ms); });
    li.appendChild(button);
    timeline.appendChild(li);
    return li;
  });

  let position = 0;
  function show(ms) {
    position = Math.max(0, Math.min(end, ms));
    const index = lastIndexAt(position);
    code.textContent = textAfter(index);
    scrubber.value = String(position);
    clock.textContent = clockText(position) + " / " + clockText(end);
    now.textContent = index < 0 ? "Start of the session" : clockText(at(events[index])) + ": " + describe(events[index], index);
    let current = null;
    items.forEach((li) => { li.classList.remove("current"); if (Number(li.dataset.at) <= position) current = li; });
    if (current) current.classList.add("current");
    const finished = document.getElementById("replay-end");
    if (position >= end) {
      const submitted = JSON.parse(root.dataset.submitted).replace(/\r\n/g, "\n");
      finished.hidden = false;
      finished.textContent = !submitted ? "End of the recording."
        : code.textContent === submitted ? "End of the recording: this is exactly the submitted code."
        : "End of the recording: it differs from the submitted code (part of the session was not recorded).";
    } else {
      finished.hidden = true;
    }
  }

  let timer = null, last = 0;
  function stop() {
    if (timer !== null) cancelAnimationFrame(timer);
    timer = null;
    play.textContent = "Play";
  }
  function frame(stamp) {
    const elapsed = (stamp - last) * Number(speed.value);
    last = stamp;
    let next = position + elapsed;
    const upcoming = events[lastIndexAt(position) + 1];
    if (skip.checked && upcoming && at(upcoming) - position > SKIP_OVER) next = at(upcoming) - 1000;
    show(next);
    if (position >= end) { stop(); return; }
    timer = requestAnimationFrame(frame);
  }
  play.addEventListener("click", () => {
    if (timer !== null) { stop(); return; }
    if (position >= end) show(0);
    play.textContent = "Pause";
    last = performance.now();
    timer = requestAnimationFrame(frame);
  });
  scrubber.addEventListener("input", () => { stop(); show(Number(scrubber.value)); });
  function fromHash() {
    const found = /t=(\d+)/.exec(window.location.hash);
    if (found) { stop(); show(Number(found[1])); }
  }
  window.addEventListener("hashchange", fromHash);
  show(0);
  fromHash();
})();
