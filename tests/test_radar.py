"""Radars: the radar equation written out, detection probability against the exact distributions (scipy's
non-central chi-square as the peer for a steady target, a Monte Carlo square-law detector for a Rayleigh one), the
textbook required SNRs, the 4/3-Earth horizon against its closed form, and faces."""

import numpy as np
import pytest
from scipy.stats import ncx2

from goldendome.physics.constants import DEG
from goldendome.physics.frames import geodetic_to_ecef
from goldendome.physics.greatcircle import destination
from goldendome.sensors.radar import (
    BOLTZMANN_J_K,
    CATALOGUE_COLUMNS,
    Face,
    Radar,
    detection_probability,
    horizon_range_m,
    in_coverage,
    required_snr,
)

RADAR = Radar(
    "r",
    40.0,
    -100.0,
    10.0,
    frequency_hz=3e9,
    peak_power_w=1e6,
    aperture_m2=10.0,
    noise_temperature_k=500.0,
    bandwidth_hz=1e6,
    faces=(Face(0.0, 60.0, -2.0, 85.0),),
    max_range_m=5e6,
    losses_db=6.0,
    pulses=10,
)


def test_radar_equation_written_out():
    lam = 299_792_458.0 / 3e9
    g = 4 * np.pi * 10.0 * 0.6 / lam**2
    r, sigma = 300e3, 1.0
    expected = 1e6 * 1e-6 * g * g * lam * lam * sigma * 10 / ((4 * np.pi) ** 3 * r**4 * BOLTZMANN_J_K * 500.0 * 10**0.6)
    assert RADAR.snr(r, sigma) == pytest.approx(expected, rel=1e-12)
    assert RADAR.snr(2 * r, sigma) == pytest.approx(expected / 16, rel=1e-12)  # 1 / R^4
    assert RADAR.range_for_snr(RADAR.snr(r, 0.01), 0.01) == pytest.approx(r, rel=1e-12)


def test_radar_list_row_gives_the_radar_equation_ranges():
    # SNR 20 solved for R from the equation written out above (R^4 proportional to sigma): 10 m^2 at ~478 km, and an
    # RV of 0.01 m^2 at (0.01 / 10)^(1/4) of that, ~85 km; both under the 5,000 km instrumented range
    lam = 299_792_458.0 / 3e9
    g = 4 * np.pi * 10.0 * 0.6 / lam**2
    r10 = (
        1e6 * 1e-6 * g * g * lam * lam * 10.0 * 10 / ((4 * np.pi) ** 3 * BOLTZMANN_J_K * 500.0 * 10**0.6 * 20.0)
    ) ** 0.25
    row = dict(zip(CATALOGUE_COLUMNS, RADAR.catalogue_row(), strict=True))
    assert row == {
        "band GHz": "3.00",
        "height m": "10",
        "faces": "0±60°",
        "range km": "5,000",
        "revisit s": "10",
        "10 m² at (SNR 13 dB)": f"{r10 / 1e3:,.0f} km",
        "RV 0.01 m² at": f"{r10 * (0.01 / 10.0) ** 0.25 / 1e3:,.0f} km",
    }
    assert row["10 m² at (SNR 13 dB)"] == "478 km" and row["RV 0.01 m² at"] == "85 km"


def test_every_radar_preset_fills_the_radar_list_columns():
    from goldendome.sensors.radar import PRESETS

    for r in PRESETS.values():
        assert len(r.catalogue_row()) == len(CATALOGUE_COLUMNS), r.name
    # an over-the-horizon radar lists its ground-range band (OTH-B: 500-1,800 nmi, FAS) and no radar-equation range
    assert PRESETS["oth-b-east"].catalogue_row() == ("HF", "–", "3 sectors", "926–3,333 ground", "30", "–", "–")


def test_steady_target_detection_matches_the_exact_marcum_q():
    # a steady target in Gaussian noise, square-law detector, one pulse: P_d = Q_1(sqrt(2 SNR), sqrt(2 T)) =
    # ncx2.sf(2 T, 2, 2 SNR) with T = -ln P_fa; North's approximation is within 0.02 of it where it matters
    pfa = 1e-6
    snr = 10 ** (np.arange(5.0, 20.0, 0.5) / 10)
    exact = ncx2.sf(-2 * np.log(pfa), 2, 2 * snr)
    np.testing.assert_allclose(detection_probability(snr, pfa, swerling=0), exact, atol=0.02)


def test_rayleigh_target_detection_matches_a_monte_carlo_detector():
    rng = np.random.default_rng(1)
    pfa, n = 1e-3, 400_000
    for snr in (3.0, 30.0, 300.0):
        amp = np.sqrt(snr / 2) * (rng.standard_normal(n) + 1j * rng.standard_normal(n))  # Rayleigh target
        noise = np.sqrt(0.5) * (rng.standard_normal(n) + 1j * rng.standard_normal(n))
        pd_mc = np.mean(np.abs(amp + noise) ** 2 > -np.log(pfa))
        assert detection_probability(snr, pfa, swerling=1) == pytest.approx(pd_mc, abs=3e-3)


def test_required_snr_textbook_values():
    # Skolnik (3rd ed., figs. 2.7 and 2.23) and Albersheim: P_d 0.9 at P_fa 1e-6 needs ~13.2 dB for a steady target
    # and ~21 dB for a Swerling I target (the fluctuation loss of ~8 dB)
    assert 10 * np.log10(required_snr(0.9, 1e-6, swerling=0)) == pytest.approx(13.2, abs=0.2)
    assert 10 * np.log10(required_snr(0.9, 1e-6, swerling=1)) == pytest.approx(21.1, abs=0.2)
    assert detection_probability(required_snr(0.5, 1e-6, 0), 1e-6, 0) == pytest.approx(0.5, abs=1e-9)
    with pytest.raises(ValueError, match="swerling 3"):
        detection_probability(10.0, 1e-6, swerling=3)


def test_low_target_disappears_at_the_refracted_horizon():
    # a radar mast at 10 m and a cruise missile at 50 m: horizon sqrt(2 k R h_r) + sqrt(2 k R h_t) ~ 42 km on the
    # 4/3 Earth (~36.5 km without refraction)
    d = np.arange(20e3, 60e3, 50.0)
    lat, lon = destination(40 * DEG, -100 * DEG, 0.0, d / 6371008.8)
    covered, *_ = in_coverage(RADAR, geodetic_to_ecef(lat, lon, np.full(d.size, 50.0)))
    last = d[covered][-1]
    assert last == pytest.approx(horizon_range_m(10.0, 50.0), rel=0.01)
    assert 41e3 < last < 43e3
    # a ballistic missile at 300 km altitude is seen from 2,000+ km
    lat, lon = destination(40 * DEG, -100 * DEG, 0.0, 2000e3 / 6371008.8)
    assert in_coverage(RADAR, geodetic_to_ecef(lat, lon, 300e3)[None])[0][0]


def test_faces_limit_azimuth_and_elevation():
    lat, lon = destination(40 * DEG, -100 * DEG, np.radians([0.0, 55.0, 65.0, 180.0]), 500e3 / 6371008.8)
    covered, _, az, _ = in_coverage(RADAR, geodetic_to_ecef(lat, lon, np.full(4, 100e3)))
    np.testing.assert_array_equal(covered, [True, True, False, False])
    overhead = geodetic_to_ecef(40 * DEG, -100 * DEG, 300e3)[None]
    assert not in_coverage(RADAR, overhead)[0][0]  # above the face's 85 deg


def test_covered_alone_agrees_with_in_coverage_and_gives_angles_within_range():
    # targets near and far (beyond the instrumented range, on the far side, not in flight): the mask the sensing
    # loop asks for is in_coverage's, and a scan's measurements of the covered ones keep their angles
    from goldendome.sensors.radar import _coverage, covered

    rng = np.random.default_rng(4)
    d = rng.uniform(0.0, 9000e3, 400)
    lat, lon = destination(40 * DEG, -100 * DEG, rng.uniform(0, 2 * np.pi, 400), d / 6371008.8)
    tgt = geodetic_to_ecef(lat, lon, rng.uniform(0.0, 1500e3, 400))
    tgt[::17] = np.nan
    full = in_coverage(RADAR, tgt)
    mask = covered(RADAR, tgt)
    np.testing.assert_array_equal(mask, full[0])
    assert 0 < mask.sum() < 400
    _, rng_m, az, el = _coverage(RADAR, tgt, False)
    near = full[1] <= RADAR.max_range_m
    for got, want in zip((rng_m, az, el), full[1:], strict=True):
        np.testing.assert_array_equal(got[near], want[near])
        assert np.isnan(got[~near]).all()


@pytest.mark.parametrize("name", ["uewr-clear", "lrdr-clear", "sbx-adak"])
def test_compiled_coverage_is_the_refracted_horizon_and_faces_written_out(name):
    # the compiled coverage (face sectors tested before the horizon) against the rule written out in numpy: within
    # the instrumented range, above the refracted (4/3-Earth) horizon, and inside a face's azimuth sector with the
    # refracted elevation above its lowest and the geometric one below its highest
    from goldendome.physics.frames import rot_ecef_to_enu
    from goldendome.sensors.radar import PRESETS, refracted_geometry

    radar = PRESETS[name]
    rng = np.random.default_rng(12)
    lat0, lon0 = np.radians(radar.lat_deg), np.radians(radar.lon_deg)
    lat, lon = destination(lat0, lon0, rng.uniform(0, 2 * np.pi, 3000), rng.uniform(0.0, 7000e3, 3000) / 6371008.8)
    tgt = geodetic_to_ecef(lat, lon, rng.uniform(0.0, 2000e3, 3000))
    d = (tgt - radar.site_ecef) @ rot_ecef_to_enu(lat0, lon0).T
    r = np.linalg.norm(d, axis=1)
    az = np.degrees(np.arctan2(d[:, 0], d[:, 1]) % (2 * np.pi))
    el = np.degrees(np.arcsin(d[:, 2] / r))
    el_eff, clear = refracted_geometry(radar.site_ecef, tgt, site_height_m=max(radar.height_m, 0.0))
    in_face = np.zeros(len(tgt), bool)
    for f in radar.faces:
        off = np.abs((az - f.boresight_az_deg + 180.0) % 360.0 - 180.0)
        in_face |= (off <= f.half_width_deg) & (np.degrees(el_eff) >= f.el_min_deg) & (el <= f.el_max_deg)
    want = (r <= radar.max_range_m) & clear & in_face
    got = in_coverage(radar, tgt)[0]
    assert 100 < want.sum() < 2900
    np.testing.assert_array_equal(got, want)


def test_uewr_preset_sees_a_10_m2_target_at_its_published_range():
    # PAVE PAWS / UEWR: 3,000 nmi (5,556 km) is the published range; with its public power, aperture and long pulse
    # (and assumed 400 K, 6 dB) the radar equation gives SNR ~17-18 dB for 10 m^2 there: P_d ~0.8 (Swerling I)
    from goldendome.sensors.radar import PRESETS

    uewr = PRESETS["uewr-clear"]
    assert 10 * np.log10(uewr.gain) == pytest.approx(38.6, abs=0.3)
    snr_db = 10 * np.log10(uewr.snr(5556e3, 10.0))
    assert 15.0 < snr_db < 20.0
    assert detection_probability(uewr.snr(5556e3, 10.0), uewr.pfa, 1) > 0.5
    # an RV of ~0.01 m^2 (the nose-on order of magnitude) is seen only ~5.6x closer (30 dB = factor 5.6 in range)
    assert uewr.range_for_snr(uewr.snr(5556e3, 10.0), 0.01) == pytest.approx(5556e3 / 1000**0.25, rel=1e-9)


def test_oth_radar_sees_the_band_beyond_the_horizon_but_not_near():
    from goldendome.sensors.radar import PRESETS

    oth = PRESETS["oth-b-east"]
    d = np.array([300e3, 1000e3, 2500e3, 3500e3])
    lat, lon = destination(np.radians(45.0), np.radians(-69.0), np.radians(90.0), d / 6371008.8)
    np.testing.assert_array_equal(
        oth.in_coverage(geodetic_to_ecef(lat, lon, np.full(4, 50.0))), [False, True, True, False]
    )
    lat, lon = destination(np.radians(45.0), np.radians(-69.0), np.radians(270.0), 1500e3 / 6371008.8)
    assert not oth.in_coverage(geodetic_to_ecef(lat, lon, 50.0)[None])[0]  # behind: inland, no sector


def test_scan_detects_with_the_swerling_probability_and_snr_accuracy():
    from goldendome.sensors.radar import measurement_sigmas, radar_scan

    # 20,000 copies of one target at a range where SNR = 10 dB: the detected fraction is P_fa^(1/(1+SNR)) and the
    # range errors have the thermal-noise sigma c / (2 B sqrt(2 SNR)) (RSS with the 10 m floor)
    r = RADAR.range_for_snr(10.0, 1.0)
    lat, lon = destination(40 * DEG, -100 * DEG, 0.0, r / 6371008.8)
    tgt = np.repeat(geodetic_to_ecef(lat, lon, 50e3)[None], 20_000, axis=0)
    det = radar_scan(RADAR, tgt, np.ones(len(tgt)), 0.0, np.random.default_rng(3))
    true_range = in_coverage(RADAR, tgt[:1])[1][0]
    snr = RADAR.snr(true_range, 1.0)
    assert det.origin.size / 20_000 == pytest.approx(detection_probability(snr, RADAR.pfa, 1), abs=0.01)
    s_r, s_a = measurement_sigmas(RADAR, snr)
    assert np.std(det.z[:, 0] - true_range) == pytest.approx(s_r, rel=0.03)
    assert np.all(det.sigma[:, 0] == pytest.approx(s_r))
    # ten times the SNR: the thermal part of the accuracy shrinks by sqrt(10)
    s_r10, s_a10 = measurement_sigmas(RADAR, 10 * snr)
    assert np.sqrt(s_a10**2 - RADAR.sigma_angle_rad**2) == pytest.approx(
        np.sqrt(s_a**2 - RADAR.sigma_angle_rad**2) / np.sqrt(10), rel=1e-9
    )


def test_false_alarms_and_not_in_flight_targets():
    from goldendome.sensors.radar import radar_scan

    tgt = np.full((3, 3), np.nan)  # nothing in flight
    counts = [
        radar_scan(RADAR, tgt, np.ones(3), 0.0, np.random.default_rng(k), false_alarms=4.0).origin.size
        for k in range(400)
    ]
    assert np.mean(counts) == pytest.approx(4.0, rel=0.1)  # Poisson mean
    det = radar_scan(RADAR, tgt, np.ones(3), 0.0, np.random.default_rng(1), false_alarms=4.0)
    assert np.all(det.origin == -1) and np.all(np.isnan(det.snr_db))


def test_an_airborne_radar_sees_a_low_cruise_missile_ten_times_farther_than_a_ground_radar():
    # NORAD's low-altitude problem from the geometry alone: a cruise missile at 50 m is above the refracted horizon
    # of a 10 m ground mast to ~42 km, of an E-3 at 9 km to ~420 km (sqrt(2 k R h) for each height)
    from goldendome.sensors.radar import PRESETS, rcs_for

    e3 = PRESETS["e3-awacs-alaska"]
    d = np.arange(300e3, 450e3, 1e3)
    lat, lon = destination(np.radians(e3.lat_deg), np.radians(e3.lon_deg), np.radians(200.0), d / 6371008.8)
    covered, rng_m, _, _ = in_coverage(e3, geodetic_to_ecef(lat, lon, np.full(d.size, 50.0)))
    last = d[covered][-1]
    assert last == pytest.approx(min(horizon_range_m(9000.0, 50.0), e3.max_range_m), rel=0.01)
    assert last > 9 * horizon_range_m(10.0, 50.0)
    # and its radar equation gives it the cruise missile's 0.1 m^2 with a usable SNR at ~300 km
    assert rcs_for("cruise", False) == 0.1 and rcs_for("rv", True) == 10.0
    assert 10 * np.log10(e3.snr(300e3, rcs_for("cruise", False))) > 10.0
