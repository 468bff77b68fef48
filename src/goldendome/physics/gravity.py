"""Gravity: the Earth's point mass plus the J2 oblateness term.

J2 is the largest departure of the Earth's field from a point mass (about 1e-3 of it): it turns orbital planes
(nodal regression) and bends ballistic trajectories by kilometres over intercontinental ranges. Acceleration from
the gradient of U = -mu/r [1 - J2 (R/r)^2 P2(z/r)], Vallado (4th ed.) eq. 8-30; frame: any Earth-centred frame
whose z axis is the rotation axis (ECI or ECEF), units m and m/s^2.
"""

import numpy as np

from goldendome.physics.constants import J2_EARTH, MU_EARTH_M3_S2, WGS84_A_M


def accel_point_mass(r_m, mu=MU_EARTH_M3_S2):
    """Two-body acceleration -mu r / |r|^3, (..., 3) m/s^2."""
    r_m = np.asarray(r_m, dtype=float)
    rn = np.linalg.norm(r_m, axis=-1, keepdims=True)
    return -mu * r_m / rn**3


def accel_j2(r_m, mu=MU_EARTH_M3_S2, j2=J2_EARTH, r_ref_m=WGS84_A_M):
    """Perturbing acceleration of J2 only (add the point mass for the total), (..., 3) m/s^2."""
    r_m = np.asarray(r_m, dtype=float)
    x, y, z = r_m[..., 0], r_m[..., 1], r_m[..., 2]
    r2 = x * x + y * y + z * z
    r = np.sqrt(r2)
    k = -1.5 * j2 * mu * r_ref_m**2 / (r2 * r2 * r)
    zz = 5.0 * z * z / r2
    return np.stack([k * x * (1.0 - zz), k * y * (1.0 - zz), k * z * (3.0 - zz)], axis=-1)


def accel_gravity(r_m, j2=True):
    """Point mass plus (optionally) J2, (..., 3) m/s^2."""
    a = accel_point_mass(r_m)
    if j2:
        a = a + accel_j2(r_m)
    return a
