"""Printable documents as PDF (WeasyPrint), from self-contained HTML: nothing is fetched from anywhere."""

from __future__ import annotations

import base64


def svg_data_uri(svg: str) -> str:
    """An SVG as a `data:` URI, to embed a chart in a printed page as an image."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def to_pdf(html: str) -> bytes:
    """The HTML document as PDF bytes (its own print CSS decides the page layout). Only `data:` URIs are
    embedded: no file or network address named in the document is ever opened."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=["data"])
    pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf()
    return pdf
