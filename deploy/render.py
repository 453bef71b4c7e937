"""Write deploy/nginx.conf with concrete paths, listen address and backends.

usage: python deploy/render.py PREFIX LISTEN BACKEND [BACKEND ...] > nginx.conf
  e.g. python deploy/render.py /tmp/np 127.0.0.1:8080 127.0.0.1:8501 127.0.0.1:8502

Then: ``nginx -p PREFIX -c PREFIX/nginx.conf`` (it stays in the foreground).
"""

from __future__ import annotations

import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf")


def render(prefix: str, listen: str, backends: list[str]) -> str:
    """The config text for ``backends`` ("host:port") behind ``listen``, with nginx's
    files (pid, logs, temp folders) under ``prefix``."""
    upstreams = "\n".join(f"        server {b};" for b in backends)
    return (TEMPLATE.read_text().replace("@PREFIX@", prefix).replace("@LISTEN@", listen)
            .replace("@UPSTREAMS@", upstreams))


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    sys.stdout.write(render(sys.argv[1], sys.argv[2], sys.argv[3:]))
