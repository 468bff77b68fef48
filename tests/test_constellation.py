"""Walker-delta constellations against the pattern's definition (Walker 1984, J. Brit. Interplanet. Soc. 37, 559)."""

import numpy as np
import pytest

from goldendome.physics.constants import DEG, WGS84_A_M
from goldendome.physics.constellation import walker_delta, walker_labels
from goldendome.physics.kepler import j2_secular_rates, mean_motion

ANGLE_ROUNDING_RAD = 1e-12


def _wrap(x):
    return np.angle(np.exp(1j * np.asarray(x)))


def test_galileo_like_24_3_1_pattern():
    # Galileo's nominal constellation is Walker 56 deg: 24/3/1 with a = 29 600.318 km, 23 222 km above WGS-84's a
    # (European GNSS (Galileo) Open Service Signal-in-Space ICD): 3 planes 120 deg apart, 8 satellites 45 deg
    # apart in each, adjacent planes shifted by F 360/T = 15 deg in argument of latitude
    el = walker_delta(24, 3, 1, 23_222e3, 56 * DEG)
    assert len(el) == 24
    raan = np.unique(np.round(el.raan_rad / DEG, 9))
    np.testing.assert_allclose(raan, [0.0, 120.0, 240.0], rtol=0.0, atol=1e-9)
    u = el.argp_rad + el.m0_rad  # argument of latitude at epoch
    planes = u.reshape(3, 8)
    np.testing.assert_allclose(_wrap(np.diff(planes, axis=1)), 45 * DEG, rtol=0.0, atol=ANGLE_ROUNDING_RAD)
    np.testing.assert_allclose(_wrap(planes[1:, 0] - planes[:-1, 0]), 15 * DEG, rtol=0.0, atol=ANGLE_ROUNDING_RAD)
    np.testing.assert_allclose(el.i_rad, 56 * DEG, rtol=0.0, atol=0.0)
    np.testing.assert_allclose(el.e, 0.0, rtol=0.0, atol=0.0)
    np.testing.assert_allclose(el.a_m, WGS84_A_M + 23_222e3, rtol=0.0, atol=0.0)


def test_raan_offset_rotates_every_plane():
    el = walker_delta(24, 3, 1, 23_222e3, 56 * DEG, raan0_rad=10 * DEG)
    np.testing.assert_allclose(np.unique(np.round(el.raan_rad / DEG, 9)), [10.0, 130.0, 250.0], rtol=0, atol=1e-9)


def test_phasing_makes_the_pattern_rotation_symmetric():
    # Walker's defining property: advancing the whole pattern by 360/P in node and F 360/T in argument of latitude
    # maps the constellation onto itself (every moved satellite lands on some original one)
    total, planes, phasing = 60, 6, 2
    el = walker_delta(total, planes, phasing, 550e3, 53 * DEG)
    node, u = np.exp(1j * el.raan_rad), np.exp(1j * (el.argp_rad + el.m0_rad))
    node_moved = node * np.exp(2j * np.pi / planes)
    u_moved = u * np.exp(2j * np.pi * phasing / total)
    gap = np.abs(node_moved[:, None] - node[None, :]) + np.abs(u_moved[:, None] - u[None, :])
    np.testing.assert_allclose(gap.min(axis=1), 0.0, rtol=0.0, atol=ANGLE_ROUNDING_RAD)
    # and a wrong phasing does not
    u_wrong = u * np.exp(2j * np.pi * (phasing + 1) / total)
    gap = np.abs(node_moved[:, None] - node[None, :]) + np.abs(u_wrong[:, None] - u[None, :])
    assert gap.min(axis=1).max() > 0.01


def test_j2_flag_selects_secular_or_two_body_rates():
    a, i = WGS84_A_M + 500e3, 53 * DEG
    with_j2 = walker_delta(6, 2, 1, 500e3, i)
    two_body = walker_delta(6, 2, 1, 500e3, i, j2=False)
    rd, ad, md = j2_secular_rates(a, 0.0, i)
    np.testing.assert_allclose(with_j2.raan_dot, rd, rtol=1e-15, atol=0.0)
    np.testing.assert_allclose(with_j2.m_dot, md, rtol=1e-15, atol=0.0)
    np.testing.assert_allclose(two_body.raan_dot, 0.0, rtol=0.0, atol=0.0)
    np.testing.assert_allclose(two_body.m_dot, mean_motion(a), rtol=1e-15, atol=0.0)


def test_labels_follow_plane_then_slot_order():
    labels = walker_labels("GAL", 24, 3)
    assert len(labels) == 24 == len(set(labels))
    assert labels[0] == "GAL-P00-S00"
    assert labels[8] == "GAL-P01-S00"
    assert labels[-1] == "GAL-P02-S07"


@pytest.mark.parametrize(
    ("total", "planes", "phasing", "complaint"),
    [
        (25, 3, 1, "multiple of planes"),
        (24, 3, 3, "phasing"),
        (24, 3, -1, "phasing"),
        (0, 3, 0, "multiple"),
        (24, 0, 0, "multiple"),
    ],
)
def test_invalid_walker_parameters_raise_value_error(total, planes, phasing, complaint):
    with pytest.raises(ValueError, match=complaint):
        walker_delta(total, planes, phasing, 500e3, 53 * DEG)
