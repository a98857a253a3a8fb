// The design interview's bundle: the live room (room-core.js) plus a collaborative Excalidraw whiteboard bound to
// the same Yjs document (y-excalidraw), so the board's changes are relayed, recorded and replayed like the code.
// Excalidraw's fonts are served from this application (its asset path is set by board-assets.js).
import * as React from "react";
import { createRoot } from "react-dom/client";
import { Excalidraw, exportToSvg } from "@excalidraw/excalidraw";
import { ExcalidrawBinding } from "y-excalidraw";
import { startRoom } from "./room-core.js";

function Board({ room, host }) {
  const [api, setApi] = React.useState(null);
  React.useEffect(() => {
    if (!api) return undefined;
    const elements = room.doc.getArray("elements");
    const binding = new ExcalidrawBinding(elements, room.doc.getMap("assets"), api, room.awareness, {
      excalidrawDom: host,
    });
    room.board = api;
    return () => binding.destroy();
  }, [api]);
  return React.createElement(Excalidraw, { excalidrawAPI: setApi, isCollaborating: true });
}

async function boardSvg(api) {
  const elements = api.getSceneElements();
  if (!elements.length) return "";
  const svg = await exportToSvg({ elements, appState: { exportBackground: true }, files: api.getFiles() });
  return svg.outerHTML;
}

document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("room");
  const host = document.getElementById("board");
  if (!root) return;
  const room = startRoom(root);
  if (!host) return;
  createRoot(host).render(React.createElement(Board, { room, host }));
  // Ending the interview keeps the board as an SVG with the record.
  const end = document.getElementById("room-close");
  if (end) {
    end.addEventListener("submit", (event) => {
      if (!room.board) return;
      event.preventDefault();
      boardSvg(room.board)
        .then((svg) => {
          end.querySelector("input[name=board_svg]").value = svg;
        })
        .catch((error) => console.error("the whiteboard could not be exported:", error))
        .finally(() => end.submit());
    });
  }
});
