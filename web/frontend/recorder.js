// The session recording of the candidate's editor: changes as CodeMirror change sets, pastes (and whether the
// text was copied inside the editor), leaving and coming back to the page. Events are numbered; the portal sends
// the unacknowledged ones with each autosave and drops them once the server says it stored them, so a lost
// answer or a reconnect sends them again and the server keeps each once.
const MAX_BATCH_BYTES = 256 * 1024;

function normalise(text) {
  return text.replace(/\r\n?/g, "\n");
}

export class Recorder {
  constructor(lastSeq, state) {
    this.next = lastSeq + 1;
    this.pending = [];
    this.on = state === "on";
    this.copied = new Set();
    this.doc = () => "";
  }

  add(kind, fields) {
    if (!this.on) return;
    this.pending.push(Object.assign({ s: this.next++, t: Date.now(), k: kind }, fields || {}));
  }

  copiedText(text) {
    if (text) this.copied.add(normalise(text));
  }

  pasted(text) {
    const clean = normalise(text || "");
    this.add("paste", { n: clean.length, x: !this.copied.has(clean) });
  }

  // The oldest unacknowledged events as JSON, at most MAX_BATCH_BYTES (one event at least); "" when none.
  batch() {
    if (!this.on || this.pending.length === 0) return "";
    const out = [];
    let size = 2;
    for (const event of this.pending) {
      const text = JSON.stringify(event);
      if (out.length && size + text.length + 1 > MAX_BATCH_BYTES) break;
      out.push(text);
      size += text.length + 1;
    }
    return "[" + out.join(",") + "]";
  }

  // The server stored every event up to `seq`. "gap": it lacks events we no longer hold, and "seq" at or past our
  // next number: another page wrote them; either way the whole text is recorded again from there.
  ack(seq, state) {
    if (state === "capped" || state === "closed") {
      this.on = false;
      this.pending = [];
      return;
    }
    this.pending = this.pending.filter((e) => e.s > seq);
    if (state === "gap" || seq >= this.next) {
      this.next = seq + 1;
      this.pending = [];
      this.add("resync", { d: this.doc() });
    }
  }
}
