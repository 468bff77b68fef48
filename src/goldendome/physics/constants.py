"""Physical constants of the Earth model, SI units.

Sources
-------
- WGS-84: NIMA TR8350.2, "Department of Defense World Geodetic System 1984", 3rd ed. (2000), Table 3.1
  (a, 1/f, GM, omega) and Table 3.3 (derived constants).
- J2: EGM96 normalised C20 = -0.484165371736e-3, so J2 = -sqrt(5) C20 = 1.08262668e-3 (TR8350.2 Table 5.3).
- g0: standard gravity, 9.80665 m/s^2 (CGPM 1901), used to turn specific impulse in seconds into exhaust speed.
"""

import math

WGS84_A_M = 6378137.0
"""Semi-major (equatorial) axis of the WGS-84 ellipsoid, m."""
WGS84_F = 1.0 / 298.257223563
"""Flattening of the WGS-84 ellipsoid."""
WGS84_B_M = WGS84_A_M * (1.0 - WGS84_F)
"""Semi-minor (polar) axis, m (6356752.3142 m, TR8350.2 Table 3.3)."""
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
"""First eccentricity squared (0.00669437999014, TR8350.2 Table 3.3)."""
WGS84_EP2 = WGS84_E2 / (1.0 - WGS84_E2)
"""Second eccentricity squared."""

MU_EARTH_M3_S2 = 3.986004418e14
"""Earth's gravitational parameter GM including the atmosphere, m^3/s^2 (TR8350.2 Table 3.1)."""
OMEGA_EARTH_RAD_S = 7.292115e-5
"""Nominal mean angular velocity of the Earth, rad/s (TR8350.2 Table 3.1)."""
J2_EARTH = 1.08262668e-3
"""Second zonal harmonic (EGM96, TR8350.2 Table 5.3)."""
R_EARTH_MEAN_M = 6371008.8
"""Mean radius R1 = (2a + b)/3 of the WGS-84 ellipsoid, m (Moritz, Geodetic Reference System 1980)."""

G0_M_S2 = 9.80665
"""Standard acceleration of gravity, m/s^2 (CGPM 1901); converts Isp in s to exhaust speed."""

SECONDS_PER_DAY = 86400.0
TWO_PI = 2.0 * math.pi
DEG = math.pi / 180.0
"""One degree in radians: multiply degrees by DEG at the edges."""
