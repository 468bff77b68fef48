"""What the executed pages print into themselves (markdown-exec puts a block's printed text into the page).

A figure becomes an ``<img>`` whose source is a ``data:`` URI, so the page needs no other file and works from
file:// and in a copy of the page alone. These return text; the page's block prints it (a function in another
module cannot print into the page: markdown-exec captures only the block's own ``print``).
"""

import base64
import html
import io
from pathlib import Path


def image(path: str | Path, alt: str) -> str:
    """An ``<img>`` of a PNG or SVG file the page's commands wrote (a figure of ``--plot``, say)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path.resolve()}: the figure the page shows was not written")
    kind = {".png": "image/png", ".svg": "image/svg+xml"}[path.suffix.lower()]
    data = base64.b64encode(path.read_bytes()).decode()
    return f'\n<img class="gd-figure" alt="{html.escape(alt)}" src="data:{kind};base64,{data}">\n'


def figure(fig, alt: str) -> str:
    """An ``<img>`` of a matplotlib figure drawn in the page (closed afterwards)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode()
    return f'\n<img class="gd-figure" alt="{html.escape(alt)}" src="data:image/png;base64,{data}">\n'
