// Turns the candidate's <textarea class="code"> into a CodeMirror 6 editor; the textarea keeps the value,
// so the form (and the autosave) work the same with or without JavaScript. When the textarea carries
// data-recording-seq, the editor also keeps the session recording (recorder.js) that the portal sends.
import { EditorView, basicSetup } from "codemirror";
import { Transaction } from "@codemirror/state";
import { python } from "@codemirror/lang-python";
import { indentUnit } from "@codemirror/language";
import { Recorder } from "./recorder.js";

function selected(view) {
  return view.state.selection.ranges
    .filter((r) => !r.empty)
    .map((r) => view.state.sliceDoc(r.from, r.to))
    .join("\n");
}

function recording(textarea) {
  if (textarea.dataset.recordingSeq === undefined) return null;
  const recorder = new Recorder(Number(textarea.dataset.recordingSeq) || 0, textarea.dataset.recordingState);
  const onCopy = (event, view) => {
    const text = selected(view);
    if (text) {
      recorder.copiedText(text);
    } else {
      // With nothing selected, the editor copies (or cuts) the whole line, its line break included.
      const line = view.state.doc.lineAt(view.state.selection.main.head).text;
      recorder.copiedText(line + "\n");
      recorder.copiedText(line);
    }
    return false;
  };
  const extensions = [
    EditorView.domEventHandlers({
      copy: onCopy,
      cut: onCopy,
      paste(event) {
        recorder.pasted(event.clipboardData ? event.clipboardData.getData("text/plain") : "");
        return false;
      },
    }),
    EditorView.updateListener.of((update) => {
      for (const tr of update.transactions) {
        if (!tr.docChanged) continue;
        const origin = tr.annotation(Transaction.userEvent);
        recorder.add("change", origin ? { c: tr.changes.toJSON(), o: origin } : { c: tr.changes.toJSON() });
      }
    }),
  ];
  document.addEventListener("visibilitychange", () => {
    recorder.add(document.visibilityState === "hidden" ? "away" : "back", { r: "hidden" });
  });
  window.addEventListener("blur", () => recorder.add("away", { r: "blur" }));
  window.addEventListener("focus", () => recorder.add("back", { r: "blur" }));
  window.mlscreenRecorder = recorder;
  return { recorder, extensions };
}

function attach(textarea) {
  const rec = recording(textarea);
  const view = new EditorView({
    doc: textarea.value,
    extensions: [
      basicSetup,
      python(),
      indentUnit.of("    "),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) {
          textarea.value = update.state.doc.toString();
          textarea.dispatchEvent(new Event("input", { bubbles: true }));
        }
      }),
      ...(rec ? rec.extensions : []),
    ],
  });
  if (rec) {
    rec.recorder.doc = () => view.state.doc.toString();
    rec.recorder.add("load", { d: view.state.doc.toString() });
  }
  textarea.style.display = "none";
  textarea.parentNode.insertBefore(view.dom, textarea.nextSibling);
  textarea.form && textarea.form.addEventListener("submit", () => {
    textarea.value = view.state.doc.toString();
  });
  window.mlscreenEditor = view;
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("textarea.code").forEach(attach);
});
