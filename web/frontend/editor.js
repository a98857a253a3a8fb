// Turns the candidate's <textarea class="code"> into a CodeMirror 6 editor; the textarea keeps the value,
// so the form (and the autosave) work the same with or without JavaScript.
import { EditorView, basicSetup } from "codemirror";
import { python } from "@codemirror/lang-python";
import { indentUnit } from "@codemirror/language";

function attach(textarea) {
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
    ],
  });
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
