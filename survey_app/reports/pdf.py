"""The report (or a poster) as a PDF: the same page, laid out on A4 by its print stylesheet
(WeasyPrint).

Nothing is fetched over the network: the only things the page refers to are the service's own
stylesheets, served here from memory, and images written into the page as data: URLs. The PDF
is tagged (PDF/UA-1), so screen readers can read it in order, with the charts' text
alternatives and data tables as on the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import urlsplit


class Asset(Protocol):
    """A stylesheet the page refers to, as the web layer serves it from memory."""

    digest: str
    body: bytes
    content_type: str


class PdfUnavailable(Exception):
    """WeasyPrint or the system libraries it draws with (Pango) are not installed here."""


def report_pdf(html: str, assets: Mapping[str, Asset], base_url: str) -> bytes:
    """The rendered report page as PDF bytes."""
    try:
        import weasyprint
    except (ImportError, OSError) as missing:
        raise PdfUnavailable(
            "PDF reports need WeasyPrint and the Pango library (Debian: libpango-1.0-0, "
            f"libpangoft2-1.0-0): {missing}"
        ) from missing

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class OwnStylesheets(URLFetcher):  # type: ignore[misc]
        """Serves /assets/<digest>/<name> from memory, and images written into the page itself
        (data: URLs, such as a poster's QR code), and refuses everything else."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                # Decoded from the page itself: nothing is fetched.
                return super().fetch(url, headers)
            # .../assets/<digest>/<name>, wherever the service is mounted.
            parts = urlsplit(url).path.strip("/").split("/")[-3:]
            if len(parts) == 3 and parts[0] == "assets":
                asset = assets.get(parts[2])
                if asset is not None and asset.digest == parts[1]:
                    return URLFetcherResponse(url, asset.body, {"Content-Type": asset.content_type})
            raise ValueError(f"The report uses only the service's own stylesheets, not {url}")

    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=OwnStylesheets())
    return document.write_pdf(pdf_variant="pdf/ua-1")  # type: ignore[no-any-return]
