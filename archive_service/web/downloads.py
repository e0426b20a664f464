"""A finished table (services/reports/tables) as a streamed download, for the API and the pages alike."""
from urllib.parse import quote

from flask import Response


def download(table):
    """An attachment named in Chinese (RFC 6266 filename*) with an ASCII fallback."""
    ascii_name = "export." + table.filename.rsplit(".", 1)[1]
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(table.filename)}"
    return Response(table.chunks(), mimetype=table.mimetype, headers={"Content-Disposition": disposition})
