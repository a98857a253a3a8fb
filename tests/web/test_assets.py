"""Static files: fingerprinted names cached for a year, gzip for clients that take it, ETags, and the icon."""

from __future__ import annotations

import gzip
import re

from tests.web.conftest import World


def test_pages_link_fingerprinted_files_kept_for_a_year_and_sent_compressed(world: World) -> None:
    client = world.client("recruiter")
    page = client.get("/").text
    found = re.search(r'src="(/static/htmx\.min\.([0-9a-f]{12})\.js)"', page)
    assert found is not None, "the page does not link a fingerprinted htmx"
    response = client.get(found.group(1), headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["content-encoding"] == "gzip" and response.headers["vary"] == "Accept-Encoding"
    plain = client.get("/static/htmx.min.js", headers={"Accept-Encoding": "identity"})
    assert plain.headers["cache-control"] == "no-cache" and "content-encoding" not in plain.headers
    assert int(response.headers["content-length"]) < len(plain.content) / 2
    assert response.content == plain.content  # httpx decodes gzip: the same file either way
    assert plain.headers["content-type"].startswith("text/javascript")


def test_the_editor_bundle_shrinks_to_under_a_third_when_compressed(world: World) -> None:
    from mlscreen.web.app import ASSETS

    asset = ASSETS.get("editor.js")
    assert asset is not None and asset.gzipped is not None
    assert len(asset.gzipped) < len(asset.body) / 3
    assert gzip.decompress(asset.gzipped) == asset.body


def test_a_known_etag_is_answered_304_and_a_stale_fingerprint_404(world: World) -> None:
    client = world.client(None)
    first = client.get("/static/app.css")
    again = client.get("/static/app.css", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert client.get("/static/app.000000000000.css").status_code == 404
    assert client.get("/static/no-such-file.js").status_code == 404
    assert client.get("/static/../app.py").status_code == 404
    refused = client.http.post("/static/app.css")
    assert refused.status_code == 405 and refused.headers["allow"] == "GET, HEAD"


def test_the_icon_is_served_at_the_root_without_signing_in(world: World) -> None:
    client = world.client(None)
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in icon.content
    assert 'rel="icon"' in client.get("/login").text
