"""Gravity: the Earth's point mass plus the J2 oblateness term.

J2 is the largest departure of the Earth's field from a point mass (about 1e-3 of it): it turns orbital planes
(nodal regression) and bends ballistic trajectories by kilometres over intercontinental ranges. Acceleration from
the gradient of U = -mu/r [1 - J2 (R/r)^2 P2(z/r)], Vallado (4th ed.) eq. 8-30; frame: any Earth-centred frame
whose z axis is the rotation axis (ECI or ECEF), units m and m/s^2.

The J2 law is written once, in :func:`accel_j2_scalar`: compiled kernels (the flight integrator of
:mod:`goldendome.threats.flight`, the ballistic filter of :mod:`goldendome.tracking.filters`) call it through
:func:`accel_gravity_scalar` and numba inlines it into their loops; :func:`accel_j2` hands whole arrays to its
Python original, whose elementwise arithmetic is the same.
"""

import numba
import numpy as np

from goldendome.physics.constants import J2_EARTH, MU_EARTH_M3_S2, WGS84_A_M


def accel_point_mass(r_m, mu=MU_EARTH_M3_S2):
    """Two-body acceleration -mu r / |r|^3, (..., 3) m/s^2."""
    r_m = np.asarray(r_m, dtype=float)
    rn = np.linalg.norm(r_m, axis=-1, keepdims=True)
    return -mu * r_m / rn**3


@numba.njit(cache=True, inline="always")
def accel_j2_scalar(x, y, z, j2=J2_EARTH, mu=MU_EARTH_M3_S2, r_ref_m=WGS84_A_M):
    """J2 perturbing acceleration (m/s^2, three components) at the point (x, y, z), m: Vallado eq. 8-30,

        a = -3/2 J2 mu R^2 / r^5 (x (1 - 5 z^2/r^2), y (1 - 5 z^2/r^2), z (3 - 5 z^2/r^2)).

    Compiled (inlined into the caller's kernel); its ``py_func`` takes numpy arrays for x, y, z as well."""
    r2 = x * x + y * y + z * z
    r = np.sqrt(r2)
    k = -1.5 * j2 * mu * r_ref_m * r_ref_m / (r2 * r2 * r)
    zz = 5.0 * z * z / r2
    return k * x * (1.0 - zz), k * y * (1.0 - zz), k * z * (3.0 - zz)


@numba.njit(cache=True, inline="always")
def accel_gravity_scalar(x, y, z, j2=J2_EARTH):  # pragma: no cover - compiled
    """Point mass plus J2 (j2 = 0: point mass only) at the point (x, y, z), m: three components, m/s^2. The field
    every compiled integrator flies through; the same forces as :func:`accel_gravity` to rounding."""
    r2 = x * x + y * y + z * z
    mu_r3 = MU_EARTH_M3_S2 / (r2 * np.sqrt(r2))
    jx, jy, jz = accel_j2_scalar(x, y, z, j2)
    return -mu_r3 * x + jx, -mu_r3 * y + jy, -mu_r3 * z + jz


def accel_j2(r_m, mu=MU_EARTH_M3_S2, j2=J2_EARTH, r_ref_m=WGS84_A_M):
    """Perturbing acceleration of J2 only (add the point mass for the total), (..., 3) m/s^2."""
    r_m = np.asarray(r_m, dtype=float)
    return np.stack(accel_j2_scalar.py_func(r_m[..., 0], r_m[..., 1], r_m[..., 2], j2, mu, r_ref_m), axis=-1)


def accel_gravity(r_m, j2=True):
    """Point mass plus (optionally) J2, (..., 3) m/s^2."""
    a = accel_point_mass(r_m)
    if j2:
        a = a + accel_j2(r_m)
    return a
