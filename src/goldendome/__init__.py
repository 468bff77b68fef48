"""goldendome: an open, physics-level simulator of a layered homeland missile defence.

The public API lives in :mod:`goldendome.api`.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("goldendome")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"
