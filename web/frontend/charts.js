// Interactive report charts: each <figure class="chart" data-spec='...'> is drawn from its Vega-Lite spec with
// vega-embed. The strict Content-Security-Policy forbids eval, so Vega's expressions run in its interpreter.
// The server-rendered SVG inside the figure stays as the fallback (no JavaScript, an error) and for print.
import embed from "vega-embed";
import { expressionInterpreter } from "vega-interpreter";

function draw(figure) {
  let spec;
  try {
    spec = JSON.parse(figure.dataset.spec);
  } catch (_err) {
    return; // keep the static chart
  }
  const target = document.createElement("div");
  target.className = "chart-interactive";
  figure.insertBefore(target, figure.firstChild);
  embed(target, spec, { ast: true, expr: expressionInterpreter, actions: false, renderer: "svg" })
    .then(() => figure.classList.add("interactive"))
    .catch(() => target.remove());
}

function drawAll() {
  document.querySelectorAll("figure.chart[data-spec]").forEach(draw);
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", drawAll);
} else {
  drawAll();
}
