"""The U.S. Standard Atmosphere 1976 (NOAA-S/T 76-1562) against its authorities.

Below 86 km the authority is the peer implementation `ambiance` (ICAO 1993 = US 1976 up to 80 km; it
evaluates the same layered equations from -5 to 81 km). Above 86 km it is the standard's printed
Table I: values at the module's interpolation nodes, and values that fall between nodes.
"""

import numpy as np
import pytest
from ambiance import Atmosphere

from goldendome.physics.atmosphere import (
    M0_KG_KMOL,
    R0_M,
    R_STAR_J_KMOL_K,
    density_us76,
    geopotential_altitude_m,
    pressure_us76,
    speed_of_sound_us76,
    temperature_us76,
)

FUNCTIONS = [density_us76, pressure_us76, temperature_us76, speed_of_sound_us76]

SAME = 1e-14
"""Relative tolerance for one computation evaluated in two batch layouts: equal up to the last bits that
vectorised and scalar exp/log may round differently."""

# Every pytest.approx below names both tolerances: its default abs=1e-12 would otherwise swallow any
# relative error in densities and pressures far above 100 km.

# Table 4 layer bases (geopotential m') as geometric altitudes Z = r0 H / (r0 - H), m, plus 0.5 m either side.
LAYER_BASES_Z_M = np.array([11e3, 20e3, 32e3, 47e3, 51e3, 71e3])
LAYER_BASES_Z_M = R0_M * LAYER_BASES_Z_M / (R0_M - LAYER_BASES_Z_M)
# Altitudes inside ambiance's validity range (-5 km to 81 km geometric), m.
AMBIANCE_Z_M = np.concatenate(
    [
        np.linspace(-5000.0, 81000.0, 861),
        (LAYER_BASES_Z_M[:, None] + np.array([-0.5, 0.0, 0.5])).ravel(),
    ]
)

# ambiance uses R = 287.05287 J/(kg K) (vs R*/M0 = 287.05307), base pressures rounded to 6 digits and, from
# 80 to 81 km, T_M where this module reports the kinetic T = T_M M/M0 (M/M0 >= 0.999989 there), so the two
# implementations of the same equations agree to about 1e-5. 1e-4 leaves room for that without hiding a
# layer error: a lapse rate off by 0.1 K/km shifts density by more than 1e-4 within a few hundred metres.
PEER_REL = 1e-4


@pytest.mark.parametrize(
    ("ours", "property_name"),
    [
        (density_us76, "density"),
        (pressure_us76, "pressure"),
        (temperature_us76, "temperature"),
        (speed_of_sound_us76, "speed_of_sound"),
    ],
)
def test_matches_us76_peer_ambiance_below_86km(ours, property_name):
    reference = getattr(Atmosphere(AMBIANCE_Z_M), property_name)
    np.testing.assert_allclose(ours(AMBIANCE_Z_M), reference, rtol=PEER_REL)


def test_density_matches_us76_table_below_86km():
    # The named check the standard's users look for first: density on the layered model, vs ambiance.
    z = np.linspace(-5000.0, 81000.0, 2001)
    np.testing.assert_allclose(density_us76(z), Atmosphere(z).density, rtol=PEER_REL)


def test_sea_level_matches_us76_defining_values():
    # Sea-level values of the standard (Part 1, Table 2; Table I at 0 m). Density 1.2250 kg/m^3 is printed
    # to 5 digits; pressure and temperature are defining constants; sound speed 340.294 m/s is printed to
    # 3 decimals.
    assert density_us76(0.0) == pytest.approx(1.2250, abs=5e-5, rel=0.0)
    assert pressure_us76(0.0) == pytest.approx(101325.0, rel=1e-12, abs=0.0)
    assert temperature_us76(0.0) == pytest.approx(288.15, rel=1e-12, abs=0.0)
    assert speed_of_sound_us76(0.0) == pytest.approx(340.294, abs=5e-4, rel=0.0)


# Table I total mass density, kg/m^3 (geometric altitude, 4 significant digits).
TABLE_I_DENSITY_ANCHORS = {
    100e3: 5.604e-7,
    150e3: 2.076e-9,
    200e3: 2.541e-10,
    300e3: 1.916e-11,
    400e3: 2.803e-12,
    500e3: 5.215e-13,
    600e3: 1.137e-13,
    700e3: 3.070e-14,
    800e3: 1.136e-14,
    900e3: 5.759e-15,
    1000e3: 3.561e-15,
}


@pytest.mark.parametrize(("z_m", "rho"), sorted(TABLE_I_DENSITY_ANCHORS.items()))
def test_density_matches_us76_published_table_upper(z_m, rho):
    # Table I prints 4 significant digits: half a unit in the last digit is at most 5e-4 relative. These
    # altitudes are interpolation nodes, so only a mistyped node or a unit slip can exceed that.
    assert density_us76(z_m) == pytest.approx(rho, rel=5e-4, abs=0.0)


# Table I densities at altitudes that are *not* nodes of the module's table, kg/m^3. 115, 350 and 450 km
# are printed Table I values; 107, 121 and 135 km are the PDAS transcription's density ratios (4 digits)
# times 1.225 kg/m^3.
TABLE_I_DENSITY_BETWEEN_NODES = {
    107e3: 1.341e-7 * 1.225,
    115e3: 4.289e-8,
    121e3: 1.614e-8 * 1.225,
    135e3: 4.461e-9 * 1.225,
    350e3: 7.014e-12,
    450e3: 1.184e-12,
}


@pytest.mark.parametrize(("z_m", "rho"), sorted(TABLE_I_DENSITY_BETWEEN_NODES.items()))
def test_density_between_nodes_matches_us76_published_table(z_m, rho):
    # Monotone cubic interpolation of log(density) between Table I nodes 2-20 km apart: the error budget is
    # the curvature of the log-density profile over one node interval, estimated at under 3e-3 near
    # 110 km and under 5e-4 elsewhere, plus 5e-4 for the 4-digit printing of the reference value.
    assert density_us76(z_m) == pytest.approx(rho, rel=3e-3, abs=0.0)


# Table I kinetic temperature, K, printed to 2 decimals.
TABLE_I_TEMPERATURE = {
    86e3: 186.87,
    90e3: 186.87,
    95e3: 188.42,
    100e3: 195.08,
    110e3: 240.00,
    120e3: 360.00,
    130e3: 469.27,
    150e3: 634.39,
    200e3: 854.56,
    230e3: 915.78,
    300e3: 976.01,
    400e3: 995.83,
    500e3: 999.24,
    700e3: 999.97,
    800e3: 999.99,
    900e3: 1000.00,
    1000e3: 1000.00,
}


@pytest.mark.parametrize(("z_m", "t_k"), sorted(TABLE_I_TEMPERATURE.items()))
def test_temperature_matches_us76_published_table_upper(z_m, t_k):
    # The profile above 86 km is the standard's closed form (Eqs. 25-31), so it must round to the printed
    # value: within half a unit of the second decimal.
    assert temperature_us76(z_m) == pytest.approx(t_k, abs=0.005 + 1e-9, rel=0.0)


# Table I pressure, Pa, 5 significant digits.
TABLE_I_PRESSURE = {
    86e3: 3.7338e-1,
    90e3: 1.8359e-1,
    95e3: 7.5966e-2,
    100e3: 3.2011e-2,
    110e3: 7.1042e-3,
    120e3: 2.5382e-3,
    130e3: 1.2505e-3,
    150e3: 4.5422e-4,
    175e3: 1.7936e-4,
    200e3: 8.4736e-5,
    230e3: 3.9276e-5,
    250e3: 2.4767e-5,
    300e3: 8.7704e-6,
    400e3: 1.4518e-6,
    500e3: 3.0236e-7,
    600e3: 8.2130e-8,
    700e3: 3.1908e-8,
    800e3: 1.7036e-8,
    900e3: 1.0873e-8,
    1000e3: 7.5138e-9,
}


@pytest.mark.parametrize(("z_m", "p_pa"), sorted(TABLE_I_PRESSURE.items()))
def test_pressure_matches_us76_published_table_upper(z_m, p_pa):
    # 5 printed digits: half a unit in the last one is at most 5e-5 relative (86 km is the layered model's
    # own value, 0.3733805 Pa, which Table I rounds to 0.37338).
    assert pressure_us76(z_m) == pytest.approx(p_pa, rel=5e-5, abs=0.0)


# The standard's species number densities, m^-3, in the order N2, O, O2, Ar, He, H, as tabulated in CNES
# MSLIB mp_atm_US76 (4 significant digits). They are a second, independent tabulation of the upper
# atmosphere: total density is sum(n_i M_i) / N_A and total pressure n k T (Eq. 33c). Most of these
# altitudes are not nodes of the module's tables.
US76_NUMBER_DENSITIES_M3 = {
    93e3: (3.249e19, 3.846e17, 8.527e18, 3.781e17, 2.568e14, 0.0),
    97e3: (1.581e19, 4.500e17, 3.943e18, 1.746e17, 1.553e14, 0.0),
    101e3: (7.740e18, 4.168e17, 1.756e18, 7.735e16, 1.034e14, 0.0),
    105e3: (3.883e18, 3.406e17, 7.645e17, 3.299e16, 7.633e13, 0.0),
    109e3: (1.959e18, 2.528e17, 3.263e17, 1.331e16, 6.128e13, 0.0),
    113e3: (9.841e17, 1.718e17, 1.398e17, 5.169e15, 5.044e13, 0.0),
    117e3: (5.475e17, 1.194e17, 6.891e16, 2.301e15, 4.310e13, 0.0),
    125e3: (2.135e17, 6.376e16, 2.336e16, 6.498e14, 3.356e13, 0.0),
    133e3: (1.026e17, 3.894e16, 1.034e16, 2.460e14, 2.787e13, 0.0),
    141e3: (5.600e16, 2.605e16, 5.272e15, 1.096e14, 2.408e13, 0.0),
    145e3: (4.275e16, 2.183e16, 3.903e15, 7.630e13, 2.261e13, 0.0),
    280e3: (1.806e14, 7.834e14, 8.110e12, 3.850e10, 8.322e12, 1.100e11),
    290e3: (1.314e14, 6.516e14, 5.643e12, 2.451e10, 7.931e12, 1.073e11),
    310e3: (7.024e13, 4.540e14, 2.763e12, 1.007e10, 7.224e12, 1.027e11),
    330e3: (3.796e13, 3.186e14, 1.369e12, 4.199e09, 6.597e12, 9.903e10),
    350e3: (2.069e13, 2.249e14, 6.850e11, 1.771e09, 6.038e12, 9.591e10),
    370e3: (1.136e13, 1.594e14, 3.454e11, 7.536e08, 5.534e12, 9.318e10),
    390e3: (6.271e12, 1.135e14, 1.753e11, 3.234e08, 5.079e12, 9.074e10),
    410e3: (3.480e12, 8.101e13, 8.948e10, 1.397e08, 4.666e12, 8.851e10),
    430e3: (1.940e12, 5.800e13, 4.592e10, 6.076e07, 4.290e12, 8.643e10),
    450e3: (1.086e12, 4.164e13, 2.368e10, 2.658e07, 3.948e12, 8.448e10),
    470e3: (6.107e11, 2.996e13, 1.226e10, 1.169e07, 3.635e12, 8.263e10),
    490e3: (3.446e11, 2.160e13, 6.378e09, 5.171e06, 3.349e12, 8.085e10),
    900e3: (5.641e06, 3.989e10, 2.177e04, 7.742e-1, 6.933e11, 5.434e10),
    950e3: (1.602e06, 1.944e10, 5.168e03, 1.286e-1, 5.792e11, 5.194e10),
    1000e3: (4.626e05, 9.562e09, 1.251e03, 2.188e-2, 4.850e11, 4.967e10),
}
US76_SPECIES_KG_KMOL = np.array([28.0134, 15.9994, 31.9988, 39.948, 4.0026, 1.00797])
"""Molecular weights of N2, O, O2, Ar, He, H, kg/kmol (the standard, Part 1, Table 3 and text)."""
AVOGADRO_US76_PER_KMOL = 6.022169e26
"""N_A, 1/kmol, as adopted by the standard (Part 1, Table 2)."""
BOLTZMANN_US76_J_K = 1.380622e-23
"""k, J/K, as adopted by the standard (Part 1, Table 2)."""


@pytest.mark.parametrize(("z_m", "n_species"), sorted(US76_NUMBER_DENSITIES_M3.items()))
def test_density_matches_us76_species_number_densities(z_m, n_species):
    # Budget: 4-digit number densities (about 5e-4 on the sum), plus interpolation between Table I nodes,
    # largest (about 2e-3) just below the 110 km bend of the temperature profile.
    rho = np.dot(n_species, US76_SPECIES_KG_KMOL) / AVOGADRO_US76_PER_KMOL
    assert density_us76(z_m) == pytest.approx(rho, rel=3e-3, abs=0.0)


@pytest.mark.parametrize(("z_m", "n_species"), sorted(US76_NUMBER_DENSITIES_M3.items()))
def test_pressure_matches_us76_species_number_densities(z_m, n_species):
    # The published pressures this module interpolates are up to 100 km apart above 300 km; the monotone
    # cubic in log(pressure) is good to about 0.5 % there, and this is the check that it stays so.
    p_pa = sum(n_species) * BOLTZMANN_US76_J_K * temperature_us76(z_m)
    assert pressure_us76(z_m) == pytest.approx(p_pa, rel=6e-3, abs=0.0)


def test_mean_molecular_weight_matches_us76_composition():
    # Density, pressure and temperature together imply M = rho R* T / P (the ideal gas law of Eq. 42).
    # At 86 km the standard's Table 8 gives M / M0 = 0.999579; at 1000 km its species number densities
    # (He 4.850e11, O 9.562e9, H 4.967e10 m^-3 and traces) give M = 3.9401 kg/kmol. Agreement to 1e-3
    # checks that the separately tabulated density and pressure agree with the closed-form temperature.
    def molecular_weight(z_m):
        return density_us76(z_m) * R_STAR_J_KMOL_K * temperature_us76(z_m) / pressure_us76(z_m)

    assert molecular_weight(86e3) == pytest.approx(M0_KG_KMOL * 0.999579, rel=1e-6, abs=0.0)
    assert molecular_weight(1000e3) == pytest.approx(3.9401, rel=1e-3, abs=0.0)
    assert molecular_weight(40e3) == pytest.approx(M0_KG_KMOL, rel=1e-12, abs=0.0)


def test_density_and_pressure_decrease_monotonically_with_altitude():
    z = np.linspace(-5000.0, 1000e3, 400_001)
    assert np.all(np.diff(density_us76(z)) < 0.0)
    assert np.all(np.diff(pressure_us76(z)) < 0.0)


def test_density_scale_height_grows_steadily_above_110km():
    # Above 110 km the gas heats towards 1000 K and lightens from N2 towards O, He and H while gravity
    # weakens, so the density scale height H = -dz / d(ln rho) of the standard rises monotonically, from
    # about 6 km to 230 km. An isolated mistyped node in the table shows up as a dip in it.
    z = np.arange(110e3, 1000e3 + 1.0, 1e3)
    rho = density_us76(z)
    scale_height_m = np.diff(z) / np.log(rho[:-1] / rho[1:])
    assert np.all(np.diff(scale_height_m) > 0.0)


def test_regimes_join_continuously_at_86km():
    # One micrometre below the junction the profile itself changes density by only ~2e-10 relative.
    below, at = 86e3 - 1e-6, 86e3
    assert density_us76(below) == pytest.approx(density_us76(at), rel=1e-9, abs=0.0)
    assert pressure_us76(below) == pytest.approx(pressure_us76(at), rel=1e-9, abs=0.0)
    assert temperature_us76(below) == pytest.approx(temperature_us76(at), abs=1e-3, rel=0.0)
    # Eq. 50 uses T_M = 186.946 K below, the nominal value above uses T = 186.867 K: a 0.02 % step.
    assert speed_of_sound_us76(below) == pytest.approx(speed_of_sound_us76(at), rel=3e-4, abs=0.0)


def test_above_1000km_is_vacuum_and_temperature_undefined():
    z = np.array([1000e3, 1000e3 + 1.0, 5000e3, np.inf])
    rho, p = density_us76(z), pressure_us76(z)
    t, a = temperature_us76(z), speed_of_sound_us76(z)
    assert rho[0] > 0.0 and p[0] > 0.0 and np.isfinite(t[0]) and np.isfinite(a[0])
    np.testing.assert_array_equal(rho[1:], 0.0)
    np.testing.assert_array_equal(p[1:], 0.0)
    assert np.all(np.isnan(t[1:])) and np.all(np.isnan(a[1:]))


def test_below_minus_5km_is_clipped_to_the_tables_lower_limit():
    for f in FUNCTIONS:
        assert f(-20e3) == f(-5e3)
        assert f(-np.inf) == f(-5e3)
    # Between -5 km and sea level the first layer continues: denser and warmer than at sea level.
    assert density_us76(-5e3) > density_us76(0.0)
    t_minus_5km = 288.15 - 6.5e-3 * geopotential_altitude_m(-5e3)  # Eq. 23 in layer 0
    assert temperature_us76(-5e3) == pytest.approx(t_minus_5km, rel=1e-12, abs=0.0)


@pytest.mark.parametrize("f", FUNCTIONS)
def test_nan_altitude_gives_nan_without_disturbing_the_batch(f):
    z = np.array([0.0, np.nan, 50e3, np.nan, 400e3, 2000e3])
    out = f(z)
    clean = f(np.array([0.0, 50e3, 400e3, 2000e3]))
    assert np.isnan(out[1]) and np.isnan(out[3])
    np.testing.assert_allclose(out[[0, 2, 4, 5]], clean, rtol=SAME, atol=0.0)
    assert np.isnan(f(np.nan))


@pytest.mark.parametrize("f", FUNCTIONS)
def test_shapes_scalar_vector_and_time_by_entity(f):
    scalar = f(12e3)
    assert np.ndim(scalar) == 0 and isinstance(scalar, float)
    assert f(12_000) == scalar  # an int altitude is a float altitude

    rng = np.random.default_rng(7)
    vector = rng.uniform(-6e3, 1.2e6, size=37)
    out = f(vector)
    assert out.shape == (37,)
    np.testing.assert_allclose(out, np.array([f(v) for v in vector]), rtol=SAME, atol=0.0)

    grid = vector[:36].reshape(4, 9)  # (T, N): T times, N entities
    np.testing.assert_allclose(f(grid), out[:36].reshape(4, 9), rtol=SAME, atol=0.0)
    assert f(list(vector)).shape == (37,)
    assert f(np.empty((2, 0))).shape == (2, 0)


@pytest.mark.parametrize("f", FUNCTIONS)
def test_large_batches_match_small_ones(f):
    # Batches above the internal block size are evaluated block by block; the blocks must agree with a
    # single small evaluation element for element.
    z = np.random.default_rng(3).uniform(-6e3, 1.1e6, size=200_003)
    np.testing.assert_allclose(f(z)[-500:], f(z[-500:]), rtol=SAME, atol=0.0)
