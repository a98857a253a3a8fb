"""Live interview rooms over websockets: the shared document's relay and the room's console."""
