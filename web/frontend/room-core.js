// The live room's core (shared by the room and board bundles): the shared code pad (Yjs + y-codemirror.next on CodeMirror 6), remote cursors with
// names, presence and the console, over the room's websocket. Edits made while disconnected stay in the local
// document and merge when the connection comes back.
import * as Y from "yjs";
import { yCollab } from "y-codemirror.next";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as encoding from "lib0/encoding";
import * as decoding from "lib0/decoding";
import { EditorView, basicSetup } from "codemirror";
import { python } from "@codemirror/lang-python";
import { indentUnit } from "@codemirror/language";

const SYNC = 0;
const AWARENESS = 1;
const SERVER = "server";
const FINAL = new Set([4001, 4003]);
const GIVE_UP_AFTER = 30; // failed attempts in a row (about two minutes): the room is closed or the link dead

export function startRoom(root) {
  const doc = new Y.Doc();
  const text = doc.getText("code");
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalStateField("user", { name: "me", color: "#888888" });
  const view = new EditorView({
    doc: text.toString(),
    extensions: [basicSetup, python(), indentUnit.of("    "), yCollab(text, awareness)],
    parent: root.querySelector("#pad"),
  });
  const room = { doc, text, view, awareness };
  window.mlscreenRoom = room;
  const status = root.querySelector("#room-status");
  const consoleBox = root.querySelector("#console");
  const presence = root.querySelector("#presence");
  let socket = null;
  let delay = 300;
  let failures = 0;
  let over = false;

  function send(data) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(data);
  }
  function sendJson(message) {
    send(JSON.stringify(message));
  }
  function say(message) {
    status.textContent = message;
  }
  function showPresence() {
    const names = [];
    awareness.getStates().forEach((state) => {
      if (state && state.user && state.user.role) names.push(`${state.user.name} (${state.user.role})`);
    });
    presence.textContent = names.sort().join(", ");
  }
  function addConsole(entry) {
    const head = `[${entry.at}] ${entry.by} ran ${entry.mode === "examples" ? "the examples" : "the code"}: ${entry.status}\n`;
    consoleBox.textContent += head + (entry.output || "") + (entry.error ? `\n${entry.error}` : "") + "\n\n";
    consoleBox.scrollTop = consoleBox.scrollHeight;
  }
  function onJson(message) {
    if (message.type === "hello") {
      say(`Connected as ${message.name}.`);
      const mine = awareness.getLocalState() || {};
      awareness.setLocalStateField("user", { ...(mine.user || {}), name: message.name, role: message.role });
      consoleBox.textContent = "";
      for (const entry of message.console || []) addConsole(entry);
      const select = root.querySelector("#room-exercise");
      if (select && select.options.length === 1) {
        for (const id of message.exercises || []) select.add(new Option(id, id));
      }
    } else if (message.type === "console") {
      addConsole(message.entry);
    } else if (message.type === "running") {
      say(`${message.by} is running ${message.mode === "examples" ? "the examples" : "the code"}…`);
    } else if (message.type === "exercise") {
      say(message.id ? `Exercise loaded: ${message.id}` : "A blank pad was loaded.");
    } else if (message.type === "error") {
      say(`${message.message}${message.hint ? ` — ${message.hint}` : ""}`);
    } else if (message.type === "closed") {
      over = true;
      say("The interview has ended; the room is closed.");
    }
  }
  function onBinary(data) {
    const decoder = decoding.createDecoder(new Uint8Array(data));
    const kind = decoding.readVarUint(decoder);
    if (kind === SYNC) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, SYNC);
      syncProtocol.readSyncMessage(decoder, encoder, doc, SERVER);
      if (encoding.length(encoder) > 1) send(encoding.toUint8Array(encoder));
    } else if (kind === AWARENESS) {
      awarenessProtocol.applyAwarenessUpdate(awareness, decoding.readVarUint8Array(decoder), SERVER);
    }
  }
  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + root.dataset.socket);
    socket.binaryType = "arraybuffer";
    socket.onopen = () => {
      delay = 300;
      failures = 0;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, SYNC);
      syncProtocol.writeSyncStep1(encoder, doc);
      send(encoding.toUint8Array(encoder));
      sendAwareness([doc.clientID]);
    };
    socket.onmessage = (event) => {
      if (typeof event.data === "string") onJson(JSON.parse(event.data));
      else onBinary(event.data);
    };
    socket.onclose = (event) => {
      if (over || FINAL.has(event.code)) {
        over = true;
        say(event.code === 4003 ? "This link no longer works; ask your interviewer." : "The interview has ended; the room is closed.");
        return;
      }
      failures += 1;
      if (failures > GIVE_UP_AFTER) {
        say("The room cannot be reached: it may have closed. Reload the page to try again.");
        return;
      }
      say("Disconnected — reconnecting (your edits are kept and will be merged)…");
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 5000);
    };
  }
  function sendAwareness(clients) {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, AWARENESS);
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
    send(encoding.toUint8Array(encoder));
  }
  doc.on("update", (update, origin) => {
    if (origin === SERVER) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, SYNC);
    syncProtocol.writeUpdate(encoder, update);
    send(encoding.toUint8Array(encoder));
  });
  awareness.on("update", ({ added, updated, removed }, origin) => {
    showPresence();
    if (origin !== SERVER) sendAwareness(added.concat(updated, removed));
  });
  root.querySelector("#room-run").addEventListener("click", () => sendJson({ type: "run", mode: "code" }));
  root.querySelector("#room-examples").addEventListener("click", () => sendJson({ type: "run", mode: "examples" }));
  const load = root.querySelector("#room-load");
  if (load) {
    load.addEventListener("click", () => sendJson({ type: "load", exercise: root.querySelector("#room-exercise").value }));
  }
  window.addEventListener("beforeunload", () => awarenessProtocol.removeAwarenessStates(awareness, [doc.clientID], "unload"));
  connect();
  return room;
}
