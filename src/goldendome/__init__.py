"""goldendome: an open, physics-level simulator of a layered homeland missile defence.

The public API lives in :mod:`goldendome.api`.
"""

import os
from importlib.metadata import PackageNotFoundError, version

# numba's parallel kernels run on OpenMP threads (libgomp, loaded at the first parallel call, after this line). By
# default an idle OpenMP thread spins for a while waiting for the next parallel region: on a quiet machine that saves
# a few microseconds per call, but beside any other busy process (a Monte Carlo worker, a browser, a server's other
# job) the spinning threads steal the cores the work needs, and a kernel of 0.03 ms took 2-3 ms (measured on this
# 2-core machine under load; physics/compiled.py). Threads that sleep between regions cost a futex wake-up instead.
# A user's own setting wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

try:
    __version__ = version("goldendome")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"
