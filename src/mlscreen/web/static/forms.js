// Text areas cannot carry a `pattern`: one marked data-nonblank is invalid while it holds only white space, so the
// browser refuses to submit the form and says why. The server refuses such text too.
(function () {
  function check(area) {
    area.setCustomValidity(area.value.length > 0 && area.value.trim() === "" ? area.dataset.nonblank : "");
  }
  function setUp() {
    document.querySelectorAll("textarea[data-nonblank]").forEach(function (area) {
      check(area);
      area.addEventListener("input", function () { check(area); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
