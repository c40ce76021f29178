"""Stylesheet and script, served from memory under content-hashed URLs, pre-compressed."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, request, url_for

STATIC = Path(__file__).parent.parent / "static"
TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}

bp = Blueprint("assets", __name__)


@dataclass(frozen=True)
class Asset:
    name: str
    digest: str
    body: bytes
    gzipped: bytes
    content_type: str


def _load() -> dict[str, Asset]:
    found = {}
    for path in sorted(STATIC.iterdir()):
        if path.suffix not in TYPES:
            continue
        body = path.read_bytes()
        found[path.name] = Asset(
            name=path.name,
            digest=hashlib.sha256(body).hexdigest()[:12],
            body=body,
            gzipped=gzip.compress(body, compresslevel=9, mtime=0),
            content_type=TYPES[path.suffix],
        )
    return found


def init_app(app: Flask) -> None:
    app.extensions["assets"] = _load()
    app.register_blueprint(bp)

    def asset_url(name: str) -> str:
        asset = app.extensions["assets"][name]
        return url_for("assets.serve", digest=asset.digest, name=name)

    app.jinja_env.globals["asset_url"] = asset_url


@bp.get("/assets/<digest>/<name>")
def serve(digest: str, name: str) -> Response:
    asset = current_app.extensions["assets"].get(name)
    if asset is None or asset.digest != digest:
        abort(404)
    compressed = "gzip" in request.headers.get("Accept-Encoding", "").lower()
    response = Response(
        asset.gzipped if compressed else asset.body, content_type=asset.content_type
    )
    if compressed:
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
