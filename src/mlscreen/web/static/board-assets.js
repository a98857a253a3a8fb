// Excalidraw loads its fonts from this application, never from a CDN (the page's policy allows only this origin).
window.EXCALIDRAW_ASSET_PATH = "/static/board/";
