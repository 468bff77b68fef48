"""A catalogue entry by name, with the one error every catalogue gives for a name it does not hold.

The catalogues (missiles, interceptors, SBI designs, launch vehicles) are dictionaries by name. A name that is not
there raises a KeyError that lists the names there are and, when one is close (difflib's ratio of at least 0.6, its
default), suggests it: ``unknown interceptor 'thad'; the catalogue has: ...; did you mean 'thaad'?``. Callers that
validate a scenario file turn the KeyError into a ValueError with the same message.
"""

import difflib
from collections.abc import Mapping


def entry(table: Mapping, name: str, what: str):
    """``table[name]``; for a name not there, a KeyError that says which ``what`` (``"interceptor"``) is unknown,
    lists the names there are, and suggests the nearest."""
    if name in table:
        return table[name]
    message = f"unknown {what} {name!r}; the catalogue has: {', '.join(sorted(table))}"
    close = difflib.get_close_matches(name, list(table), n=1)
    if close:
        message += f"; did you mean {close[0]!r}?"
    raise KeyError(message)
