"""Re-ranging lofted tests: the fit against closed forms, the fitted flight time against reported flight times,
and the equivalent range against published analyst estimates (with the method's difference stated)."""

import numpy as np
import pytest
from typer.testing import CliRunner

from goldendome.cli.main import app
from goldendome.physics.constants import MU_EARTH_M3_S2, R_EARTH_MEAN_M
from goldendome.threats.rerange import RerangeError, _burnout_state, rerange

one_km = 1e3
one_minute = 60.0


def test_fit_reproduces_the_observations():
    r = rerange(4475e3, 950e3)
    assert r.fitted_apogee_m == pytest.approx(4475e3, abs=0.1 * one_km)
    assert r.fitted_range_m == pytest.approx(950e3, abs=0.1 * one_km)


def test_vertical_energy_bounds_the_fitted_speed():
    # a vertical shot reaching the apogee needs an inertial v^2 = 2 mu (1/r_bo - 1/r_apo); a steep but not vertical
    # flight to the same apogee needs a little more (its horizontal speed is kept at apogee). The fitted speed is
    # Earth-relative: add the Earth's rotation at the launch point for the inertial speed.
    r = rerange(4475e3, 950e3, burnout_altitude_m=300e3)
    _, v_inertial = _burnout_state(np.radians(39.0), np.radians(125.7), np.radians(90.0), 300e3,
                                   r.burnout_speed_mps, r.burnout_gamma_rad)  # fmt: skip
    v_vert = np.sqrt(2 * MU_EARTH_M3_S2 * (1 / (R_EARTH_MEAN_M + 300e3) - 1 / (R_EARTH_MEAN_M + 4475e3)))
    assert v_vert < np.linalg.norm(v_inertial) < 1.05 * v_vert


def test_equivalent_range_on_a_non_rotating_earth_is_the_minimum_energy_closed_form():
    # burnout at the surface (r = R): the greatest range of speed v is psi = 2 asin(Q / (2 - Q)), Q = v^2 R / mu
    # (Bate, Mueller & White eq. 6.2-17)
    r = rerange(3000e3, 900e3, burnout_altitude_m=0.0)
    q = r.burnout_speed_mps**2 * R_EARTH_MEAN_M / MU_EARTH_M3_S2
    psi = 2 * np.arcsin(q / (2 - q))
    assert r.equivalent_range_no_rotation_m == pytest.approx(R_EARTH_MEAN_M * psi, rel=1e-6)


@pytest.mark.parametrize(
    "name, apogee_km, range_km, flight_min",
    [("Hwasong-15, 29 Nov 2017", 4475.0, 950.0, 53.0), ("Hwasong-18, 12 Jul 2023", 6648.4, 1001.2, 4491 / 60)],
)
def test_fitted_flight_time_matches_the_reported_time(name, apogee_km, range_km, flight_min):
    # Reported apogee, range and flight time (Hwasong-15: Japan MoD / UCS blog, Nov 2017; Hwasong-18: KCNA via
    # Xinhua, Jul 2023). The flight time is not fitted: it checks the fit. With an assumed 300 s boost and 300 km
    # burnout altitude the fitted flight's time comes within 5 % of the reported one.
    r = rerange(apogee_km * one_km, range_km * one_km)
    assert r.fitted_flight_time_s == pytest.approx(flight_min * one_minute, rel=0.05), name


def test_hwasong_15_equivalent_range_against_the_published_estimate():
    # D. Wright (UCS, 28 Nov 2017, via press): "more than 13,000 km" on a standard trajectory. Flying the SAME
    # burnout speed (this method, as the issue defines it) gives ~10,100 km towards the US (azimuth 45 deg) - 22 %
    # less. The difference is the boost: on a steep lofted climb the missile loses ~1 km/s more to gravity than on
    # a standard trajectory, so the standard-trajectory burnout speed is higher than the lofted one; analysts who
    # model the powered flight (as Wright does) credit that speed back. The same-speed figure is a lower bound.
    r = rerange(4475e3, 950e3)
    assert 9_500 * one_km < r.equivalent_range_m < 13_000 * one_km
    assert r.equivalent_range_m > r.equivalent_range_no_rotation_m  # eastward flights gain from the rotation


def test_impossible_observations_are_explained():
    with pytest.raises(RerangeError, match="not above the assumed burnout altitude"):
        rerange(200e3, 900e3)
    with pytest.raises(RerangeError, match="half the circumference"):
        rerange(1000e3, 30_000e3)
    with pytest.raises(RerangeError, match="no burnout state"):
        rerange(1e12, 1000e3)  # an apogee a million km out needs more than escape speed


def test_cli_prints_the_fit_and_the_equivalent_range():
    res = CliRunner().invoke(app, ["threat", "rerange", "--apogee-km", "4475", "--range-km", "950",
                                   "--flight-time-min", "53"])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "equivalent range" in res.output and "reported 53.0 min" in res.output
    res = CliRunner().invoke(app, ["threat", "rerange", "--apogee-km", "100", "--range-km", "950"])
    assert res.exit_code == 2 and "burnout altitude" in res.output
