"""The sampled flight of threat objects: one type for every threat class.

A :class:`Trajectory` is long and tidy: one row per object and sample time, sorted by object then time, with the
ECI state (m, m/s), the flight phase and the object id. It is what every generator returns (ballistic missiles and
their payloads, glide vehicles, fractional orbits, cruise missiles), what sensors look at, and what the results
store writes to Parquet.
"""

from dataclasses import dataclass
from functools import cached_property

import numba
import numpy as np

BOOST, MIDCOURSE, TERMINAL = 0, 1, 2
PHASE_NAMES = ("boost", "midcourse", "terminal")


@numba.njit(cache=True)
def _states_kernel(ts, rs, vs, starts, ends, t, r, v):  # pragma: no cover - compiled
    """Each object's state at t: the cubic Hermite of :func:`goldendome.physics.integrate.hermite_position` between
    the samples that bracket t (objects not in flight at t are left as they are)."""
    for k in range(starts.shape[0]):
        lo, hi = starts[k], ends[k]
        if hi - lo < 2 or not (ts[lo] <= t <= ts[hi - 1]):
            continue
        j = min(max(lo + np.searchsorted(ts[lo:hi], t), lo + 1), hi - 1)
        h = ts[j] - ts[j - 1]
        s = (t - ts[j - 1]) / h
        s2, s3 = s * s, s * s * s
        h00, h10, h01, h11 = 2 * s3 - 3 * s2 + 1, s3 - 2 * s2 + s, -2 * s3 + 3 * s2, s3 - s2
        d00, d10, d01, d11 = 6 * s2 - 6 * s, 3 * s2 - 4 * s + 1, -6 * s2 + 6 * s, 3 * s2 - 2 * s
        for a in range(3):
            r[k, a] = h00 * rs[j - 1, a] + h10 * h * vs[j - 1, a] + h01 * rs[j, a] + h11 * h * vs[j, a]
            v[k, a] = (d00 * rs[j - 1, a] + d01 * rs[j, a]) / h + d10 * vs[j - 1, a] + d11 * vs[j, a]


@dataclass(frozen=True)
class Trajectory:
    """Sampled states of N objects.

    object_id : (M,) int, index into ``names``; t_s : (M,) scenario time, s; r_eci_m, v_eci_mps : (M, 3);
    phase : (M,) int8 (0 boost, 1 midcourse, 2 terminal); names : (N,) object names.
    """

    object_id: np.ndarray
    t_s: np.ndarray
    r_eci_m: np.ndarray
    v_eci_mps: np.ndarray
    phase: np.ndarray
    names: tuple[str, ...]

    def __len__(self) -> int:
        return int(self.t_s.shape[0])

    @property
    def n_objects(self) -> int:
        return len(self.names)

    def rows(self, k: int) -> slice:
        """Row slice of object k (rows are sorted by object)."""
        lo, hi = np.searchsorted(self.object_id, [k, k + 1])
        return slice(int(lo), int(hi))

    @cached_property
    def search_index(self):
        """(starts, ends): each object's row range (rows are sorted by object, then time). Built once."""
        k = np.arange(self.n_objects)
        return np.searchsorted(self.object_id, k), np.searchsorted(self.object_id, k, side="right")

    def states_at(self, t_s: float) -> tuple[np.ndarray, np.ndarray]:
        """(N, 3) positions and velocities of every object at time t (cubic Hermite between samples).

        NaN for objects not in flight at t (before launch or after impact).
        """
        n = self.n_objects
        r = np.full((n, 3), np.nan)
        v = np.full((n, 3), np.nan)
        if len(self) == 0:
            return r, v
        starts, ends = self.search_index
        _states_kernel(self.t_s, self.r_eci_m, self.v_eci_mps, starts, ends, float(t_s), r, v)
        return r, v

    @staticmethod
    def concatenate(parts: "list[Trajectory]") -> "Trajectory":
        """Join trajectories of disjoint object sets, renumbering object ids."""
        offset, ids = 0, []
        for p in parts:
            ids.append(p.object_id + offset)
            offset += p.n_objects
        return Trajectory(
            object_id=np.concatenate(ids),
            t_s=np.concatenate([p.t_s for p in parts]),
            r_eci_m=np.concatenate([p.r_eci_m for p in parts]),
            v_eci_mps=np.concatenate([p.v_eci_mps for p in parts]),
            phase=np.concatenate([p.phase for p in parts]),
            names=tuple(n for p in parts for n in p.names),
        )
