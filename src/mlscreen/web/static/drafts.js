// Scorecard drafts: a form with data-draft-url is saved there as the interviewer types (after a short pause),
// every 20 seconds while something changed, and when the tab is hidden or closed (sendBeacon), so closing the tab
// loses nothing. The server keeps the draft for its author only; the page restores it when it reopens.
(function () {
  var PAUSE_MS = 800;
  var EVERY_MS = 20000;

  function setUp(form) {
    var url = form.dataset.draftUrl;
    var status = document.getElementById("draft-status");
    var dirty = false;
    var timer = null;
    var sending = false;

    function show(text) {
      if (status) status.textContent = text;
    }

    function save() {
      if (!dirty || sending) return;
      dirty = false;
      sending = true;
      fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin" })
        .then(function (response) {
          return response.text().then(function (text) {
            if (!response.ok) dirty = true;
            show(text.slice(0, 300));
          });
        })
        .catch(function () {
          dirty = true;
          show("Draft not saved: the server could not be reached. It will be retried.");
        })
        .finally(function () { sending = false; });
    }

    function changed() {
      dirty = true;
      if (timer) clearTimeout(timer);
      timer = setTimeout(save, PAUSE_MS);
    }

    function leave() {
      if (!dirty || !navigator.sendBeacon) return;
      if (navigator.sendBeacon(url, new FormData(form))) dirty = false;
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function () { dirty = false; if (timer) clearTimeout(timer); });
    setInterval(save, EVERY_MS);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") leave();
    });
    window.addEventListener("pagehide", leave);
  }

  function start() {
    document.querySelectorAll("form[data-draft-url]").forEach(setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
