"""Serve a built site on loopback as a web host would: gzip for text when the browser accepts it.
Used by tools/lighthouse.sh (python's http.server sends everything uncompressed, which no host does).

    python tools/serve_gzip.py DIR PORT
"""
from __future__ import annotations

import functools
import gzip
import http.server
import sys

TEXT = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt")


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                      ".woff2": "font/woff2"}

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = self.translate_path(self.path)
        if path.endswith("/"):
            path += "index.html"
        if not path.endswith(TEXT) or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().do_GET()
        try:
            with open(path, "rb") as handle:
                data = gzip.compress(handle.read(), 6)
        except OSError:
            return super().do_GET()
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    folder, port = sys.argv[1], int(sys.argv[2])
    http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Handler, directory=folder)).serve_forever()
