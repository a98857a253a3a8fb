// Accessible names where a library builds the control: the code editor (CodeMirror) takes the name of the label of
// the text area it replaces, and becomes reachable with the keyboard as the text box it is.
(function () {
  function name(editor) {
    var textarea = editor.parentNode && editor.previousElementSibling;
    var label = textarea && textarea.id ? document.querySelector('label[for="' + textarea.id + '"]') : null;
    return label ? label.textContent.trim() : "Code editor";
  }
  function fix() {
    document.querySelectorAll(".cm-editor").forEach(function (editor) {
      var content = editor.querySelector(".cm-content");
      if (!content) return;
      if (!content.getAttribute("aria-label")) content.setAttribute("aria-label", name(editor));
      if (!content.hasAttribute("tabindex")) content.setAttribute("tabindex", "0");
    });
  }
  function start() {
    fix();
    // The editor is made when its script runs; names are given as soon as it appears.
    new MutationObserver(fix).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
