"""Tiny helpers that hide broadcasting for arrays of vectors.

Convention: entities on the leading axes, vector components on the trailing axis, so a single vector is
shape (3,), N vectors (N, 3), a time series of N vectors (T, N, 3). Every helper works on any such shape.
"""

import numpy as np


def dot(a, b):
    """Row-wise dot product over the last axis: (..., 3) x (..., 3) -> (...)."""
    return np.einsum("...i,...i->...", a, b)


def norm(a):
    """Euclidean norm over the last axis: (..., 3) -> (...)."""
    return np.sqrt(dot(a, a))


def unit(a):
    """Unit vectors along the last axis; a zero vector gives NaN (never raises mid-batch)."""
    a = np.asarray(a, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return a / norm(a)[..., None]


def cross(a, b):
    """Row-wise cross product over the last axis."""
    return np.cross(a, b)


def mxv(m, v):
    """Matrix times vector for stacks: m (..., 3, 3), v (..., 3) -> (..., 3)."""
    return np.einsum("...ij,...j->...i", m, v)


def mtxv(m, v):
    """Transposed matrix times vector for stacks: m^T v with m (..., 3, 3), v (..., 3)."""
    return np.einsum("...ji,...j->...i", m, v)
