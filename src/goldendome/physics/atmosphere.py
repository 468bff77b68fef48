"""The U.S. Standard Atmosphere 1976: density, pressure, temperature and speed of sound, 0 to 1000 km.

Air holds itself up against its own weight. A thin slab of air of thickness dz carries the weight of
everything above it, so pressure falls with height as dP = -rho g dz (the hydrostatic equation), and the
ideal gas law rho = P M / (R* T) ties density to pressure through the temperature T and the mean
molecular weight M of the gas. Given a temperature profile, the two equations fix the whole column.

The U.S. Standard Atmosphere 1976 (NOAA-S/T 76-1562, NOAA/NASA/USAF, October 1976; "the standard" below)
is that column for an idealised, steady, dry atmosphere at 45 deg N under moderate solar activity. It is
split at 86 km geometric altitude:

- Below 86 km the air is well mixed, so M is the sea-level M0 = 28.9644 kg/kmol. Gravity weakens with
  height; the standard absorbs that into *geopotential* altitude H = r0 Z / (r0 + Z), in which g is the
  constant g0. The *molecular-scale temperature* T_M = T M0 / M is piecewise linear in H over seven
  layers (troposphere 0-11 km', tropopause, two stratospheric layers, stratopause, two mesospheric
  layers), and the hydrostatic equation then integrates in closed form: a power law in T_M within a layer
  whose lapse rate is not zero, an exponential in H within an isothermal one. This module evaluates those
  formulas exactly. Between 80 and 86 km dissociation of O2 starts to lower M very slightly (by 4 parts
  in 10,000 at 86 km); the standard tabulates M / M0 there (Table 8) and the module applies that ratio to
  turn T_M into the kinetic temperature T. Density and pressure are untouched by it, because the standard
  defines them through T_M and M0 (Eqs. 33a, 33b and 42).

- Above 86 km the gases separate by molecular diffusion: N2, O, O2, Ar, He and H each settle with their
  own scale height, and the standard obtains its densities by integrating coupled diffusion equations for
  each species. This module does *not* integrate them. It ships the standard's published total mass
  density (Table I, geometric altitude, metric units) as a table of 101 nodes, 1 to 25 km apart, and
  interpolates log(density) with a monotone cubic (PCHIP), so density decreases strictly with height and
  passes through every node exactly; between nodes it follows the standard to about 0.2 % just below
  110 km, where the temperature profile bends, and to about 0.1 % elsewhere. Pressure above 86 km is
  interpolated the same way from 35 published Table I pressures, 1 to 100 km apart (about 0.5 %). The
  kinetic temperature above 86 km is *defined* by the standard in closed form (an isothermal segment, an
  elliptical arc, a linear ramp and an exponential approach to the 1000 K exospheric temperature,
  Eqs. 25, 27, 29 and 31), so it is evaluated exactly.

Domain conventions (this module's choices, not the standard's):

- Altitudes below -5 km are clipped to -5 km, the standard's lower limit; between -5 km and 0 the first
  layer's formulas continue.
- Above 1000 km, the standard's upper limit, density and pressure are 0 (treat as vacuum); temperature
  and speed of sound are NaN (undefined).
- Speed of sound: the standard defines it (Eq. 50) only below 86 km, where the air is a continuum. Above
  86 km the module still returns sqrt(gamma R* T / M0) from the kinetic temperature, a nominal value that
  keeps Mach-number arithmetic finite; do not read it as a physical sound speed in the thermosphere.
- A NaN altitude gives NaN. Nothing here raises mid-batch.

Every function takes geometric altitude above mean sea level in metres as a scalar or an array of any
shape and returns the same shape (a NumPy scalar for scalar input). Units are SI: density kg/m^3,
pressure Pa, temperature K, speed of sound m/s.

Sources
-------
- NOAA-S/T 76-1562 (also NASA-TM-X-74335), "U.S. Standard Atmosphere, 1976": Part 1 defining constants
  (Table 2 and text), Table 4 (layers below 86 km), Eq. 18 (geopotential altitude), Eq. 22 and Table 8
  (M / M0 from 80 to 86 km), Eq. 23 (T_M), Eqs. 25-31 (kinetic temperature above 86 km), Eqs. 33a/33b
  (pressure), Eq. 42 (density), Eq. 50 (speed of sound), Part 4 Table I (total mass density and pressure
  against geometric altitude, document pp. 68-73).
- The Table I density nodes were taken from a public transcription of Table I (1 km spacing to 100 km,
  2 km to 150 km, 5 km to 300 km, 20-25 km above) and cross-checked, node by node where they overlap,
  against three independent transcriptions: the density and pressure ratio table of the Public Domain
  Aeronautical Software "UpperAtmosphere" routine (R. Carmichael after S. Pietrobon; ratios to the
  sea-level values 1.225 kg/m^3 and 101325 Pa), S. Pietrobon's 16-level "Unofficial Australian Standard
  Atmosphere 2000" table, and the 28-level table in H. D. Curtis, "Orbital Mechanics for Engineering
  Students", Table 7.1. They also agree with densities summed from the standard's species number
  densities (as tabulated in CNES MSLIB mp_atm_US76), e.g. 2.769e-7 kg/m^3 at 104 km.
"""

import numpy as np
from scipy.interpolate import PchipInterpolator

from goldendome.physics.constants import G0_M_S2

__all__ = [
    "density_us76",
    "pressure_us76",
    "temperature_us76",
    "speed_of_sound_us76",
    "geopotential_altitude_m",
    "tabulated_density",
    "LOG_DENSITY_TABLE",
    "SPEED_OF_SOUND_TABLE",
    "DRAG_TABLE_STEP_M",
    "DRAG_TABLE_HEIGHTS_M",
]

# --------------------------------------------------------------------------------------------------------
# Defining constants (NOAA-S/T 76-1562, Part 1). g0, the sea-level gravity that defines the geopotential
# metre (Part 1, Table 2, primary constants), is standard gravity 9.80665 m/s^2: G0_M_S2 of physics.constants.
# --------------------------------------------------------------------------------------------------------

R_STAR_J_KMOL_K = 8314.32
"""R*, the gas constant as adopted by the standard, J/(kmol K) = N m/(kmol K) (Part 1, Table 2)."""
M0_KG_KMOL = 28.9644
"""M0, mean molecular weight of sea-level dry air, kg/kmol (Part 1, Table 3, sea-level composition)."""
R0_M = 6356766.0
"""r0, effective Earth radius used to convert geometric to geopotential altitude, m (Part 1, Eq. 18)."""
T0_K = 288.15
"""Sea-level temperature, K (Part 1, Table 2)."""
P0_PA = 101325.0
"""Sea-level pressure, Pa (Part 1, Table 2)."""
GAMMA_AIR = 1.40
"""gamma, ratio of specific heats cp/cv of air, exact by adoption (Part 1, Table 2; used in Eq. 50)."""

Z_MIN_M = -5000.0
"""Lowest altitude of the standard's tables, m (Part 4, Table I starts at -5 km); lower inputs are clipped."""
Z_86_M = 86000.0
"""Geometric altitude where the standard switches from the layered model to the diffusive one, m."""
Z_MAX_M = 1.0e6
"""Top of the standard, m (Table I ends at 1000 km); above it density and pressure are 0."""

_GMR = G0_M_S2 * M0_KG_KMOL / R_STAR_J_KMOL_K
"""Hydrostatic constant g0 M0 / R*, K per geopotential metre (34.1632 K/km', Part 1, Eqs. 33a/33b)."""

# Part 1, Table 4: base geopotential altitudes H_b (m') and molecular-scale temperature gradients
# L_M,b (K/m') of the seven layers b = 0..6; the last layer ends at H_7 = 84852 m' (Z = 86 km).
_H_BASE_M = np.array([0.0, 11000.0, 20000.0, 32000.0, 47000.0, 51000.0, 71000.0])
_LAPSE_K_M = np.array([-6.5e-3, 0.0, 1.0e-3, 2.8e-3, 0.0, -2.8e-3, -2.0e-3])


def _layer_bases():
    """Base T_M,b (K) and P_b (Pa) of each layer, integrated upward from sea level with Eqs. 23, 33a, 33b.

    The standard prints the same values to 5-6 digits (e.g. P_1 = 22632.06 Pa); computing them keeps the
    layers exactly continuous.
    """
    n = _H_BASE_M.size
    t_base = np.empty(n)
    p_base = np.empty(n)
    t, p = T0_K, P0_PA
    for b in range(n):
        t_base[b], p_base[b] = t, p
        if b + 1 == n:
            break
        dh = _H_BASE_M[b + 1] - _H_BASE_M[b]
        if _LAPSE_K_M[b] == 0.0:
            p = p * np.exp(-_GMR * dh / t)
        else:
            t_next = t + _LAPSE_K_M[b] * dh
            p = p * (t / t_next) ** (_GMR / _LAPSE_K_M[b])
            t = t_next
    return t_base, p_base


_T_BASE_K, _P_BASE_PA = _layer_bases()

# Eqs. 33a/33b and 42 folded into one expression per layer, so that every layer costs one log and one exp:
#   ln rho = K_b + Q_b ln T_M + I_b (H - H_b),
# lapse layer (L_M,b != 0):  K_b = ln(P_b M0 / R*) + (g0 M0 / (R* L_M,b)) ln T_M,b,
#                            Q_b = -(g0 M0 / (R* L_M,b) + 1),  I_b = 0;
# isothermal layer:          K_b = ln(P_b M0 / (R* T_M,b)),  Q_b = 0,  I_b = -g0 M0 / (R* T_M,b).
_ISOTHERMAL = _LAPSE_K_M == 0.0
_POWER = np.divide(_GMR, _LAPSE_K_M, out=np.zeros_like(_LAPSE_K_M), where=~_ISOTHERMAL)
_LN_M0_RSTAR = np.log(M0_KG_KMOL / R_STAR_J_KMOL_K)
_K_LN_RHO = np.where(
    _ISOTHERMAL,
    np.log(_P_BASE_PA) + _LN_M0_RSTAR - np.log(_T_BASE_K),
    np.log(_P_BASE_PA) + _LN_M0_RSTAR + _POWER * np.log(_T_BASE_K),
)
_Q_LN_RHO = np.where(_ISOTHERMAL, 0.0, -(_POWER + 1.0))
_I_LN_RHO = np.where(_ISOTHERMAL, -_GMR / _T_BASE_K, 0.0)

# Part 1, Table 8: molecular-weight ratio M / M0 at 0.5 km steps of geometric altitude from 80 to 86 km
# (1 below 80 km). This module interpolates linearly between entries; adjacent entries differ by < 7e-5.
_Z_TABLE8_M = np.arange(80000.0, 86000.0 + 1.0, 500.0)
# fmt: off
_M_RATIO_TABLE8 = np.array([
    1.000000, 0.999996, 0.999989, 0.999971, 0.999941, 0.999909, 0.999870,
    0.999829, 0.999786, 0.999741, 0.999694, 0.999641, 0.999579,
])
# fmt: on

# Kinetic temperature above 86 km, Part 1, Eqs. 25-31 and Table 5 (geometric altitude Z, metres).
_Z7_M, _Z8_M, _Z9_M, _Z10_M = 86000.0, 91000.0, 110000.0, 120000.0
"""Segment bases of T(Z), m: isothermal from 86 km, elliptical 91, linear 110, exponential 120."""
_T7_K = 186.8673
"""T at 86-91 km, K (Eq. 25; equals T_M(86 km) x M/M0 = 186.946 x 0.999579)."""
_TC_K = 263.1905
"""Centre temperature T_c of the elliptical arc, K (Eq. 27)."""
_A_ELLIPSE_K = -76.3232
"""Temperature semi-axis A of the elliptical arc, K (Eq. 27)."""
_A_ELLIPSE_M = -19942.9
"""Altitude semi-axis a of the elliptical arc, m (Eq. 27)."""
_T9_K = 240.0
"""T at 110 km, K (Eq. 29)."""
_LK9_K_M = 12.0e-3
"""Kinetic temperature gradient L_K,9 from 110 to 120 km, K/m (Eq. 29)."""
_T10_K = 360.0
"""T at 120 km, K (Eq. 31)."""
_T_INF_K = 1000.0
"""Exospheric temperature T_infinity, K (Eq. 31)."""
_LAMBDA_PER_M = _LK9_K_M / (_T_INF_K - _T10_K)
"""Decay rate lambda = L_K,9 / (T_inf - T_10) = 0.01875 /km of the exponential segment, 1/m (Eq. 31)."""


def geopotential_altitude_m(z_m):
    """Geopotential altitude H = r0 Z / (r0 + Z) in m' (geopotential metres) of geometric Z in m (Eq. 18).

    One geopotential metre is the height gain that costs g0 x 1 m of potential energy, so the hydrostatic
    equation in H has constant gravity g0.
    """
    z = np.asarray(z_m, dtype=float)
    return R0_M * z / (R0_M + z)


def _layer_tm(z_m):
    """Layer index b (Table 4), H - H_b (m') and T_M (K, Eq. 23) at 1-D geometric altitudes below 86 km."""
    h = geopotential_altitude_m(z_m)
    b = np.zeros(h.shape, dtype=np.uint8)
    at_or_above = np.empty(h.shape, dtype=bool)
    for h_base in _H_BASE_M[1:]:  # a loop over the six inner layer boundaries, not over elements
        np.greater_equal(h, h_base, out=at_or_above)
        b += at_or_above
    dh = h - np.take(_H_BASE_M, b)
    tm = np.take(_T_BASE_K, b) + np.take(_LAPSE_K_M, b) * dh
    return b, dh, tm


def _lower(z_m):
    """Molecular-scale temperature T_M (K) and density (kg/m^3) at 1-D geometric altitudes below 86 km.

    Eq. 18 gives H, Table 4 the layer b, Eq. 23 T_M, and Eqs. 33a/33b with 42 the density (folded into
    K_b, Q_b, I_b above; the folding changes the result by under 1e-13 relative).
    """
    b, dh, tm = _layer_tm(z_m)
    ln_rho = np.log(tm)
    ln_rho *= np.take(_Q_LN_RHO, b)
    ln_rho += np.take(_K_LN_RHO, b)
    dh *= np.take(_I_LN_RHO, b)
    ln_rho += dh
    return tm, np.exp(ln_rho, out=ln_rho)


def _upper_temperature(z_m):
    """Kinetic temperature T (K) at geometric altitudes 86 to 1000 km (Eqs. 25, 27, 29, 31)."""
    xi = (z_m - _Z10_M) * (R0_M + _Z10_M) / (R0_M + z_m)  # Eq. 31's geopotential-like distance above 120 km
    t = _T_INF_K - (_T_INF_K - _T10_K) * np.exp(-_LAMBDA_PER_M * xi)
    below = z_m < _Z10_M
    if below.any():
        z = z_m[below]
        x = (z - _Z8_M) / _A_ELLIPSE_M
        arc = _TC_K + _A_ELLIPSE_K * np.sqrt(np.maximum(1.0 - x * x, 0.0))  # Eq. 27, used 91-110 km only
        ramp = _T9_K + _LK9_K_M * (z - _Z9_M)  # Eq. 29
        t[below] = np.where(z >= _Z9_M, ramp, np.where(z >= _Z8_M, arc, _T7_K))  # Eq. 25 below 91 km
    return t


# --------------------------------------------------------------------------------------------------------
# Part 4, Table I (geometric altitude, metric units), total mass density above 86 km.
# Columns: geometric altitude (km), density (kg/m^3), as printed (4 significant digits). The 86 km row is
# replaced at import by the layered model's own value there (Table I prints it rounded, 6.958e-6), so the
# two regimes meet without a step.
# --------------------------------------------------------------------------------------------------------
# fmt: off
_TABLE_I_DENSITY = np.array([
    [86.0, 6.958e-06], [87.0, 5.824e-06], [88.0, 4.875e-06], [89.0, 4.081e-06], [90.0, 3.416e-06],
    [91.0, 2.860e-06], [92.0, 2.393e-06], [93.0, 2.000e-06], [94.0, 1.670e-06], [95.0, 1.393e-06],
    [96.0, 1.162e-06], [97.0, 9.685e-07], [98.0, 8.071e-07], [99.0, 6.725e-07], [100.0, 5.604e-07],
    [102.0, 3.935e-07], [104.0, 2.769e-07], [106.0, 1.954e-07], [108.0, 1.381e-07], [110.0, 9.708e-08],
    [112.0, 6.838e-08], [114.0, 4.975e-08], [116.0, 3.720e-08], [118.0, 2.847e-08], [120.0, 2.222e-08],
    [122.0, 1.767e-08], [124.0, 1.428e-08], [126.0, 1.171e-08], [128.0, 9.717e-09], [130.0, 8.152e-09],
    [132.0, 6.904e-09], [134.0, 5.897e-09], [136.0, 5.074e-09], [138.0, 4.396e-09], [140.0, 3.831e-09],
    [142.0, 3.358e-09], [144.0, 2.958e-09], [146.0, 2.618e-09], [148.0, 2.326e-09], [150.0, 2.076e-09],
    [155.0, 1.585e-09], [160.0, 1.233e-09], [165.0, 9.750e-10], [170.0, 7.815e-10], [175.0, 6.339e-10],
    [180.0, 5.194e-10], [185.0, 4.295e-10], [190.0, 3.581e-10], [195.0, 3.006e-10], [200.0, 2.541e-10],
    [205.0, 2.160e-10], [210.0, 1.846e-10], [215.0, 1.585e-10], [220.0, 1.367e-10], [225.0, 1.184e-10],
    [230.0, 1.029e-10], [235.0, 8.979e-11], [240.0, 7.858e-11], [245.0, 6.898e-11], [250.0, 6.073e-11],
    [255.0, 5.360e-11], [260.0, 4.742e-11], [265.0, 4.206e-11], [270.0, 3.738e-11], [275.0, 3.329e-11],
    [280.0, 2.971e-11], [285.0, 2.656e-11], [290.0, 2.378e-11], [295.0, 2.133e-11], [300.0, 1.916e-11],
    [310.0, 1.552e-11], [320.0, 1.264e-11], [340.0, 8.503e-12], [360.0, 5.805e-12], [380.0, 4.013e-12],
    [400.0, 2.803e-12], [420.0, 1.975e-12], [440.0, 1.402e-12], [460.0, 1.002e-12], [480.0, 7.208e-13],
    [500.0, 5.215e-13], [525.0, 3.509e-13], [550.0, 2.384e-13], [575.0, 1.637e-13], [600.0, 1.137e-13],
    [625.0, 7.998e-14], [650.0, 5.712e-14], [675.0, 4.148e-14], [700.0, 3.070e-14], [725.0, 2.318e-14],
    [750.0, 1.788e-14], [775.0, 1.410e-14], [800.0, 1.136e-14], [825.0, 9.339e-15], [850.0, 7.824e-15],
    [875.0, 6.664e-15], [900.0, 5.759e-15], [925.0, 5.038e-15], [950.0, 4.453e-15], [975.0, 3.968e-15],
    [1000.0, 3.561e-15],
])
# fmt: on

# Part 4, Table I, pressure above 86 km. Columns: geometric altitude (km), pressure (Pa). Rows at 86, 90,
# 92, 95, 100, 110, 115, 120, 130, 150, 175, 200, 230, 250, 300 and 400-1000 km are Table I as printed
# (5 significant digits); rows at 93, 107, 114, 121, 128, 135, 142, 160, 170, 180, 190, 220 and 260 km are
# the PDAS transcription's pressure ratios P/P0 (5 significant digits) times P0 = 101325 Pa. The 86 km row
# is replaced at import by the layered model's value, as for density.
# fmt: off
_TABLE_I_PRESSURE = np.array([
    [86.0, 3.7338e-01], [90.0, 1.8359e-01], [92.0, 1.2887e-01], [93.0, 1.0801e-01], [95.0, 7.5966e-02],
    [100.0, 3.2011e-02], [107.0, 1.0752e-02], [110.0, 7.1042e-03], [114.0, 4.4474e-03], [115.0, 4.0096e-03],
    [120.0, 2.5382e-03], [121.0, 2.3401e-03], [128.0, 1.4182e-03], [130.0, 1.2505e-03], [135.0, 9.3569e-04],
    [142.0, 6.5294e-04], [150.0, 4.5422e-04], [160.0, 3.0394e-04], [170.0, 2.1210e-04], [175.0, 1.7936e-04],
    [180.0, 1.5272e-04], [190.0, 1.1265e-04], [200.0, 8.4736e-05], [220.0, 5.0150e-05], [230.0, 3.9276e-05],
    [250.0, 2.4767e-05], [260.0, 1.9894e-05], [300.0, 8.7704e-06], [400.0, 1.4518e-06], [500.0, 3.0236e-07],
    [600.0, 8.2130e-08], [700.0, 3.1908e-08], [800.0, 1.7036e-08], [900.0, 1.0873e-08], [1000.0, 7.5138e-09],
])
# fmt: on


def _log_pchip_pieces(table, value_at_86km):
    """Monotone cubic (PCHIP) of log(value) against altitude, as piecewise polynomials ready to evaluate.

    The 86 km node is set to value_at_86km. Returns (breaks in m, coefficients (4, n - 1) of
    c0 d^3 + c1 d^2 + c2 d + c3 with d = z - break in m, and the piece index of every whole-kilometre
    cell from 86 to 1000 km). All nodes sit on whole kilometres, so a cell lies in exactly one piece and the
    piece of an altitude is found by one floor and one lookup instead of a binary search.
    """
    z_m = table[:, 0] * 1000.0
    if np.any(z_m % 1000.0):
        raise ValueError("Table I nodes must sit on whole kilometres")  # import-time check of the tables
    values = table[:, 1].copy()
    values[0] = value_at_86km
    pchip = PchipInterpolator(z_m, np.log(values))
    cell_start_m = np.arange(Z_86_M, Z_MAX_M, 1000.0)
    cell_piece = np.searchsorted(z_m, cell_start_m, side="right") - 1
    return z_m, tuple(np.ascontiguousarray(row) for row in pchip.c), cell_piece


def _log_pchip_eval(z_m, pieces):
    """Evaluate _log_pchip_pieces at geometric altitudes z_m in [86 km, 1000 km]."""
    breaks, (c0, c1, c2, c3), cell_piece = pieces
    cell = np.minimum(((z_m - Z_86_M) * 1e-3).astype(np.intp), cell_piece.size - 1)
    i = np.take(cell_piece, cell)
    d = z_m - np.take(breaks, i)
    return ((np.take(c0, i) * d + np.take(c1, i)) * d + np.take(c2, i)) * d + np.take(c3, i)


def _layered_rho_p_at_86km():
    """Density (kg/m^3) and pressure (Pa) of the layered model at Z = 86 km, where the two regimes meet."""
    tm, rho = _lower(np.array([Z_86_M]))
    return float(rho[0]), float(rho[0] * R_STAR_J_KMOL_K * tm[0] / M0_KG_KMOL)


_RHO_86, _P_86 = _layered_rho_p_at_86km()
_LOG_RHO = _log_pchip_pieces(_TABLE_I_DENSITY, _RHO_86)
"""ln(density / (kg/m^3)) from 86 to 1000 km against geometric altitude in m, as PCHIP pieces."""
_LOG_P = _log_pchip_pieces(_TABLE_I_PRESSURE, _P_86)
"""ln(pressure / Pa) from 86 to 1000 km against geometric altitude in m, as PCHIP pieces."""


# --------------------------------------------------------------------------------------------------------
# Dispatch by altitude regime, and the public functions.
# --------------------------------------------------------------------------------------------------------


_BLOCK = 65536
"""Elements evaluated per pass. Blocks of 65536 keep every temporary (512 kB) in cache and reuse its
memory; on 1e6 altitudes that runs about twice as fast as whole-array passes. The loop is over blocks,
never over elements."""


def _evaluate_block(z, below_86km, from_86km, above_top):
    """One block of 1-D altitudes in m: clip to -5 km, split by regime, evaluate, fill the rest.

    NaN belongs to no regime, so it keeps the NaN the result starts from.
    """
    z = np.maximum(z, Z_MIN_M)  # np.maximum propagates NaN
    low = z < Z_86_M
    if low.all():  # a block wholly in one regime needs no masked copies
        return below_86km(z)
    mid = (z >= Z_86_M) & (z <= Z_MAX_M)
    if mid.all():
        return from_86km(z)
    out = np.full(z.shape, np.nan)
    out[low] = below_86km(z[low])
    out[mid] = from_86km(z[mid])
    out[z > Z_MAX_M] = above_top
    return out


def _by_regime(h_m, below_86km, from_86km, above_top):
    """Evaluate a quantity over altitudes h_m (m) of any shape, block by block; keep h_m's shape.

    below_86km and from_86km map 1-D altitude arrays in m to values; above_top fills altitudes above
    1000 km.
    """
    z = np.asarray(h_m, dtype=float)
    shape = z.shape
    z = z.reshape(-1)
    if z.size <= _BLOCK:
        out = _evaluate_block(z, below_86km, from_86km, above_top)
    else:
        out = np.empty(z.shape)
        for start in range(0, z.size, _BLOCK):
            block = slice(start, start + _BLOCK)
            out[block] = _evaluate_block(z[block], below_86km, from_86km, above_top)
    out = out.reshape(shape)
    return out[()] if out.ndim == 0 else out


def _kinetic_temperature_below_86km(z_m):
    """T = T_M x M/M0 (Eq. 22) with M/M0 from Table 8 above 80 km, K."""
    t = _layer_tm(z_m)[2]
    top = z_m >= _Z_TABLE8_M[0]
    t[top] *= np.interp(z_m[top], _Z_TABLE8_M, _M_RATIO_TABLE8)
    return t


def density_us76(h_m):
    """Total mass density of the U.S. Standard Atmosphere 1976, kg/m^3, at geometric altitude h_m in m.

    Below 86 km: exact layered model, rho = P M0 / (R* T_M) (Eq. 42). From 86 to 1000 km: PCHIP in
    log(density) through the Table I nodes; between nodes this follows the standard to about 0.2 % just
    below 110 km and 0.1 % elsewhere. Above 1000 km: 0. Below -5 km: the -5 km value.
    NaN in, NaN out. Accepts a scalar or an array of any shape; returns the same shape.
    """
    return _by_regime(h_m, lambda z: _lower(z)[1], lambda z: np.exp(_log_pchip_eval(z, _LOG_RHO)), 0.0)


def pressure_us76(h_m):
    """Pressure of the U.S. Standard Atmosphere 1976, Pa, at geometric altitude h_m in m.

    Below 86 km: exact layered model (Eqs. 33a, 33b). From 86 to 1000 km: PCHIP in log(pressure) through
    the Table I pressure nodes, which follows the standard's profile to about 0.5 % between nodes. Above
    1000 km: 0. Below -5 km: the -5 km value. NaN in, NaN out. Accepts a scalar or an array of any shape;
    returns the same shape.
    """

    def below_86km(z):
        tm, rho = _lower(z)
        return rho * tm * (R_STAR_J_KMOL_K / M0_KG_KMOL)

    return _by_regime(h_m, below_86km, lambda z: np.exp(_log_pchip_eval(z, _LOG_P)), 0.0)


def temperature_us76(h_m):
    """Kinetic temperature of the U.S. Standard Atmosphere 1976, K, at geometric altitude h_m in m.

    Below 86 km: T = T_M x M/M0 (Eq. 22), with the exact layered T_M (Eq. 23) and M/M0 from Table 8
    between 80 and 86 km (1 below 80 km). From 86 to 1000 km: the standard's defining closed-form profile
    (Eqs. 25, 27, 29, 31), exact. Above 1000 km: NaN (undefined). Below -5 km: the -5 km value.
    NaN in, NaN out. Accepts a scalar or an array of any shape; returns the same shape.
    """
    return _by_regime(h_m, _kinetic_temperature_below_86km, _upper_temperature, np.nan)


def speed_of_sound_us76(h_m):
    """Speed of sound of the U.S. Standard Atmosphere 1976, m/s, at geometric altitude h_m in m.

    Below 86 km: the standard's Eq. 50, sqrt(gamma R* T_M / M0), exact. From 86 to 1000 km the standard
    defines none (the gas is no continuum there); this returns the nominal sqrt(gamma R* T / M0) from the
    kinetic temperature, continuous with the layered value to 0.02 % at 86 km. Above 1000 km: NaN.
    Below -5 km: the -5 km value. NaN in, NaN out. Accepts a scalar or an array of any shape.
    """
    t = _by_regime(h_m, lambda z: _layer_tm(z)[2], _upper_temperature, np.nan)
    return np.sqrt(t * (GAMMA_AIR * R_STAR_J_KMOL_K / M0_KG_KMOL))


# --------------------------------------------------------------------------------------------------------
# The tabulated air of the compiled integrators (flight, ballistic filter): one table, read by both.
# --------------------------------------------------------------------------------------------------------

DRAG_TABLE_STEP_M = 100.0
"""Spacing of the drag tables, m: linear interpolation of ln(rho) on 100 m is within 2e-5 of
:func:`density_us76` (the density scale height is >= 6 km)."""
DRAG_TABLE_HEIGHTS_M = np.arange(0.0, Z_MAX_M + 1.0, DRAG_TABLE_STEP_M)
"""Geometric heights of the drag tables, 0 to 1000 km (the top of the standard) every DRAG_TABLE_STEP_M, m."""
LOG_DENSITY_TABLE = np.log(np.maximum(density_us76(DRAG_TABLE_HEIGHTS_M), 1e-300))
"""ln(density / (kg/m^3)) at DRAG_TABLE_HEIGHTS_M (the density floored at 1e-300, so every log is finite):
compiled kernels interpolate it linearly between rows; one that ignores drag above some height reads a leading
slice."""
SPEED_OF_SOUND_TABLE = speed_of_sound_us76(np.minimum(DRAG_TABLE_HEIGHTS_M, Z_86_M))
"""Speed of sound, m/s, at DRAG_TABLE_HEIGHTS_M, held at its 86 km value above 86 km (where the standard defines
none): the Mach number of a booster's drag coefficient."""


def tabulated_density(h_m):
    """US76 density (kg/m^3) at geometric heights h_m from LOG_DENSITY_TABLE: the same air the compiled
    integrators fly through, vectorised for numpy right-hand sides; none at or above the table's 1000 km."""
    h_m = np.asarray(h_m, dtype=float)
    rho = np.exp(np.interp(h_m, DRAG_TABLE_HEIGHTS_M, LOG_DENSITY_TABLE))
    return np.where(h_m < DRAG_TABLE_HEIGHTS_M[-1], rho, 0.0)
