// The live room page's bundle: the shared code pad, cursors, presence and console (see room-core.js).
import { startRoom } from "./room-core.js";

document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("room");
  if (root) startRoom(root);
});
