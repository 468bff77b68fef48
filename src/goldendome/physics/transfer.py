"""Delta-v between circular orbits: the Hohmann transfer, and what reaching an orbit other than a launcher's
reference orbit costs its last stage.

A launcher's payload is quoted to one reference circular orbit (radius r_ref, inclination i_ref) flown from a site
at latitude phi. To another circular orbit (r, i) the last stage must add

    dv = dv_alt + dv_rot + dv_plane
    dv_alt   = Hohmann transfer from r_ref to r (two burns, signed: a lower orbit gains)
    dv_rot   = omega_E a (cos i_ref - cos i)      Earth-rotation credit lost at higher inclination: the along-track
                                                  part of the site's eastward speed is omega_E a cos(phi) sin(Az)
                                                  = omega_E a cos(i) (Vallado 4th ed., sec. 6.4; Wertz, SMAD 3rd
                                                  ed., sec. 18.1), about 465 m/s x (cos i_ref - cos i)
    dv_plane = 2 v_c sin(di / 2)                  only where i < phi (or i > 180 deg - phi), which a direct launch
                                                  cannot reach: fly to the site latitude, then turn

with a the WGS-84 equatorial radius and v_c = sqrt(mu / r) the circular speed of the target orbit. Plain floats or
arrays, SI units (m, rad, m/s).
"""

import numpy as np

from goldendome.physics.constants import MU_EARTH_M3_S2, OMEGA_EARTH_RAD_S, WGS84_A_M


def hohmann_delta_v_mps(r1_m, r2_m):
    """Total delta-v (m/s) of a Hohmann transfer between circular orbits of radii r1 and r2 (m); signed, negative
    when r2 < r1 (a lower orbit costs less to reach than the reference). Vallado 4th ed., algorithm 36."""
    r1 = np.asarray(r1_m, float)
    r2 = np.asarray(r2_m, float)
    a_t = 0.5 * (r1 + r2)
    v1 = np.sqrt(MU_EARTH_M3_S2 / r1)
    v2 = np.sqrt(MU_EARTH_M3_S2 / r2)
    dv = np.abs(np.sqrt(MU_EARTH_M3_S2 * (2.0 / r1 - 1.0 / a_t)) - v1) + np.abs(
        v2 - np.sqrt(MU_EARTH_M3_S2 * (2.0 / r2 - 1.0 / a_t))
    )
    return np.sign(r2 - r1) * dv


def insertion_delta_v_mps(r_ref_m, i_ref_rad, site_latitude_rad, r_m, i_rad):
    """Extra delta-v (m/s) a last stage must give to reach circular orbits (r_m, i_rad) instead of its reference
    circular orbit (r_ref_m, i_ref_rad), launched from a site at site_latitude_rad (>= 0): Hohmann raise + lost
    Earth-rotation credit + any plane change (module doc). Radii in m from the Earth's centre, angles in rad."""
    r = np.asarray(r_m, float)
    inc = np.asarray(i_rad, float)
    dv_alt = hohmann_delta_v_mps(r_ref_m, r)
    # a direct launch reaches only inclinations between the site latitude and 180 deg minus it
    reach = np.clip(inc, site_latitude_rad, np.pi - site_latitude_rad)
    dv_rot = OMEGA_EARTH_RAD_S * WGS84_A_M * (np.cos(i_ref_rad) - np.cos(reach))
    v_c = np.sqrt(MU_EARTH_M3_S2 / r)
    dv_plane = 2.0 * v_c * np.sin(0.5 * np.abs(inc - reach))
    return dv_alt + dv_rot + dv_plane
