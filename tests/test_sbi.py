"""Space-based interceptors: the reach model against closed forms and a direct numerical fly-out; sizing against
the shell-density integral, the matching rule, and the published cases (APS 2003, CBO 2026, APS's proportionality).
"""

import datetime as dt

import numpy as np
import pytest

from goldendome.analysis.sizing import (
    InfeasibleDesign,
    Shell,
    analytic_in_reach,
    analytic_size,
    cap_half_angle,
    check_feasible,
    shell_density,
    size_constellation,
)
from goldendome.effectors.reach import _matching_size, boost_tracks, reach_over_time, tracks_at
from goldendome.effectors.sbi import SBIDesign, Timeline, earliest_intercept, fly_out_miss, sbi_design
from goldendome.physics.constants import DEG, G0_M_S2, WGS84_A_M
from goldendome.physics.kepler import propagate, propagate_state
from goldendome.threats.ballistic import BallisticLaunch
from goldendome.threats.missile import design

EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SOHAE = (39.66 * DEG, 124.71 * DEG)
SEATTLE = (47.61 * DEG, -122.33 * DEG)
APS = sbi_design("aps-2003-optimistic")
APS_TIMELINE = Timeline(detect_s=60.0, decide_s=30.0)
DAY_5MIN = np.arange(288) * 300.0
one_km = 1e3


def _tracks(n=1, missile="icbm-solid-3stage"):
    return boost_tracks([BallisticLaunch(f"B{k}", design(missile), *SOHAE, *SEATTLE) for k in range(n)], EPOCH)


@pytest.fixture(scope="module")
def solid_track():
    return _tracks()


# --- the reach model ------------------------------------------------------------------------------------------


def test_reach_is_constant_acceleration_then_coast():
    # s = a t^2 / 2 while burning (t <= dv/a), then s = dv (t - t_b / 2): elementary kinematics.
    d = SBIDesign("t", delta_v_mps=4000.0, accel_mps2=100.0)
    assert d.burn_time_s == pytest.approx(40.0)
    assert d.reach_m(20.0) == pytest.approx(0.5 * 100 * 20**2)
    assert d.reach_m(40.0) == pytest.approx(80_000.0)
    assert d.reach_m(100.0) == pytest.approx(4000.0 * (100 - 20))
    assert d.reach_m(-5.0) == 0.0
    t = np.array([1.0, 39.0, 40.0, 41.0, 300.0])
    np.testing.assert_allclose(d.time_to_reach_s(d.reach_m(t)), t, rtol=1e-12)


def test_sbi_design_rejects_nonsense():
    with pytest.raises(ValueError, match="positive"):
        SBIDesign("bad", delta_v_mps=0.0, accel_mps2=10.0)


def test_earliest_intercept_kernel_equals_brute_force():
    rng = np.random.default_rng(5)
    k, c, b = 60, 40, 3
    tau = np.arange(k) * 2.0
    base = np.array([6.7e6, 0.0, 0.0])
    sbi_r = base + rng.normal(0, 300e3, (1, c, 3)) + np.linspace(0, 1, k)[:, None, None] * rng.normal(0, 50e3, (c, 3))
    br = base + rng.normal(0, 300e3, (b, 1, 3)) + tau[None, :, None] * np.array([0.0, 2000.0, 1000.0])
    bv = np.broadcast_to(np.array([0.0, 2000.0, 1000.0]), br.shape)
    release, cutoff = np.array([20.0, 30.0, 10.0]), np.array([110.0, 100.0, 118.0])
    t_int, vc = earliest_intercept(sbi_r, br, bv, tau, release, cutoff, APS)
    for j in range(c):
        for i in range(b):
            dist = np.linalg.norm(br[i] - sbi_r[:, j], axis=1)
            ok = (tau >= release[i]) & (tau <= cutoff[i]) & (dist <= APS.reach_m(tau - release[i]))
            if not ok.any():
                assert np.isnan(t_int[j, i])
            else:
                first = np.flatnonzero(ok)[0]
                # interpolated crossing lies within the sample step before the first sample inside the reach
                assert tau[max(first - 1, 0)] - 1e-9 <= t_int[j, i] <= tau[first] + 1e-9
                assert np.isfinite(vc[j, i]) and vc[j, i] > 0


@pytest.fixture(scope="module")
def reachable_pairs(solid_track):
    """SBIs of a 2,000-satellite shell that reach the booster launched at t0, with their earliest times."""
    el = Shell(300e3, 45 * DEG).elements(2000)
    tau = solid_track.tau_s
    release = APS_TIMELINE.release_s
    cutoff = solid_track.burnout_s
    for t0 in np.arange(0.0, 86400.0, 600.0):
        sbi_r = propagate(el, t0 + tau)
        br, bv = tracks_at(solid_track, EPOCH, t0)
        t_int, _ = earliest_intercept(sbi_r, br, bv, tau, np.array([release]), cutoff, APS)
        hit = np.flatnonzero(np.isfinite(t_int[:, 0]))
        if hit.size >= 1:
            return el, t0, hit, t_int[hit, 0], br[0]
    pytest.fail("no launch time in a day had an SBI in reach")


def test_reach_sphere_agrees_with_direct_numerical_fly_out(reachable_pairs, solid_track):
    # The check the reach model is built on: integrate the interceptor (gravity + J2, constant thrust along a
    # direction found by Newton iterations) from its release state. At the model's earliest intercept time the
    # fly-out lands on the booster to within the gravity-gradient error (~J2-free differential gravity
    # mu/r^3 * D * t^2 ~ a few per cent of the reach); 10 s earlier it falls short by about (distance - reach).
    el, t0, hit, t_star, br = reachable_pairs
    release = APS_TIMELINE.release_s
    tau = solid_track.tau_s
    r_rel, v_rel = propagate_state(el.take(hit), np.array([t0 + release]))

    def target_at(t):
        return np.array([np.interp(t, tau, br[:, c]) for c in range(3)])

    for i, j in enumerate(hit):
        t_go = t_star[i] - release
        reach = float(APS.reach_m(t_go))
        miss = fly_out_miss(r_rel[0, i], v_rel[0, i], target_at(t_star[i]), t_go, APS)[0]
        assert miss < 0.04 * reach
        early = t_star[i] - 10.0
        if early > release + 5.0:
            drift = propagate(el.take(np.array([j])), np.array([t0 + early]))[0, 0]
            gap = np.linalg.norm(target_at(early) - drift) - float(APS.reach_m(early - release))
            miss_early = fly_out_miss(r_rel[0, i], v_rel[0, i], target_at(early), early - release, APS)[0]
            assert gap > 0
            assert miss_early == pytest.approx(gap, abs=0.04 * reach)


# --- the analytic estimate ------------------------------------------------------------------------------------


def test_shell_density_integrates_to_the_number_of_satellites():
    # integral over the sphere of N / (2 pi^2 r^2 sqrt(sin^2 i - sin^2 lat)) = N (it is a probability density)
    r, n = WGS84_A_M + 300e3, 1000.0
    for inc in (30.0, 45.0, 63.4, 97.0):
        lat = np.linspace(-np.pi / 2, np.pi / 2, 2_000_001)
        band = shell_density(lat, n, r, inc * DEG) * 2 * np.pi * r**2 * np.cos(lat)
        total = np.sum(0.5 * (band[1:] + band[:-1]) * np.diff(lat))
        assert total == pytest.approx(n, rel=0.01)  # the 1/sqrt singularity costs the trapezoid rule ~0.5 %


def test_shell_density_matches_the_latitude_histogram_of_a_walker_shell():
    # Integrating sigma over a latitude band gives N (asin(sin lat2 / sin i) - asin(sin lat1 / sin i)) / pi, the
    # closed-form latitude distribution of a circular orbit (sin lat = sin i sin u, u uniform). A Walker shell
    # sampled over one orbit follows it; the integral of our sigma over each band reproduces it.
    el = Shell(500e3, 53 * DEG).elements(10_000)
    r = propagate(el, np.arange(0.0, 6000.0, 600.0)).reshape(-1, 3)
    lat = np.arcsin(r[:, 2] / np.linalg.norm(r, axis=1))
    edges = np.radians(np.arange(-50.0, 51.0, 10.0))
    counts, _ = np.histogram(lat, edges)
    n, si = r.shape[0], np.sin(53 * DEG)
    closed = n * np.diff(np.arcsin(np.sin(edges) / si)) / np.pi
    np.testing.assert_allclose(counts, closed, rtol=0.02)  # Walker granularity, 100 planes x 100 slots
    rs = WGS84_A_M + 500e3
    fine = np.linspace(edges[0], edges[-1], 200_001)
    band = shell_density(fine, n, rs, 53 * DEG) * 2 * np.pi * rs**2 * np.cos(fine)
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (band[1:] + band[:-1]) * np.diff(fine))])
    np.testing.assert_allclose(np.diff(np.interp(edges, fine, cum)), closed, rtol=1e-3)


def test_cap_half_angle_law_of_cosines():
    # a point on the shell itself with reach D: cap half-angle = 2 asin(D / 2r) (chord), exactly
    r = WGS84_A_M + 300e3
    assert float(cap_half_angle(r, r, 200e3)) == pytest.approx(2 * np.arcsin(200e3 / (2 * r)), rel=1e-12)
    assert np.isnan(cap_half_angle(WGS84_A_M + 100e3, r, 150e3))  # reach shorter than the 200 km gap


def test_analytic_mean_in_reach_matches_the_simulated_day_average(solid_track):
    # the mean over a day of SBIs in reach of a Walker shell equals the shell-density integral over the reach cap
    # at cut-off to within the pattern's granularity and the cut-off-cap approximation (~10 %)
    shell = Shell(300e3, 45 * DEG)
    el = shell.elements(4000)
    res = reach_over_time(el, solid_track, EPOCH, DAY_5MIN, APS, APS_TIMELINE)
    reach = check_feasible(shell, solid_track, APS, APS_TIMELINE)
    last = np.flatnonzero(np.isfinite(solid_track.r_ecef[0, :, 0]))[-1]
    p = solid_track.r_ecef[0, last]
    mu = analytic_in_reach(len(el), 300e3, 45 * DEG, p, float(np.linalg.norm(p)), reach[0])
    assert res.in_reach.mean() == pytest.approx(mu, rel=0.10)


# --- matching -------------------------------------------------------------------------------------------------


def test_one_sbi_cannot_serve_two_boosters():
    # two boosters, one SBI reaching both: a count says 2, the matching says 1
    assert _matching_size(np.array([[True, True]]), shots=1) == 1
    # k = 2 shots per booster need 4 distinct SBIs; 3 SBIs reaching everything give 3
    assert _matching_size(np.ones((3, 2), bool), shots=2) == 3
    assert _matching_size(np.ones((4, 2), bool), shots=2) == 4
    # Hall's condition: SBIs {0,1} both reach only booster 0; SBI 2 reaches both -> 2 of 2 boosters served
    assert _matching_size(np.array([[1, 0], [1, 0], [1, 1]], bool), shots=1) == 2


def test_salvo_from_one_site_needs_distinct_sbis(solid_track):
    two = _tracks(2)
    el = Shell(300e3, 45 * DEG).elements(3000)
    one_res = reach_over_time(el, solid_track, EPOCH, DAY_5MIN[:48], APS, APS_TIMELINE)
    two_res = reach_over_time(el, two, EPOCH, DAY_5MIN[:48], APS, APS_TIMELINE)
    np.testing.assert_array_equal(two_res.in_reach[:, 0], one_res.in_reach[:, 0])
    # the second booster's SBIs are the same ones: coverage of two needs two in reach
    np.testing.assert_array_equal(two_res.covered, one_res.in_reach[:, 0] >= 2)


# --- infeasible designs ---------------------------------------------------------------------------------------


def test_infeasible_designs_get_a_reason(solid_track):
    with pytest.raises(InfeasibleDesign, match="below 150 km"):
        check_feasible(Shell(120e3, 45 * DEG), solid_track, APS, APS_TIMELINE)
    with pytest.raises(InfeasibleDesign, match="no time is left"):
        check_feasible(Shell(300e3, 45 * DEG), solid_track, APS, Timeline(detect_s=120.0, decide_s=60.0))
    weak = SBIDesign("weak", delta_v_mps=500.0, accel_mps2=2 * G0_M_S2)
    with pytest.raises(InfeasibleDesign, match="less than the"):
        check_feasible(Shell(1500e3, 45 * DEG), solid_track, weak, APS_TIMELINE)
    with pytest.raises(InfeasibleDesign, match="never comes within reach of latitude"):
        check_feasible(Shell(300e3, 20 * DEG), solid_track, APS, APS_TIMELINE)


# --- published cases ------------------------------------------------------------------------------------------


@pytest.mark.xfail(
    strict=True,
    reason="issue 17: on the fitted (greatest-range) pitch programme the solid ICBM "
    "burns out at 221 km instead of 275 km on its way to Seattle, and the worst launch time of a day "
    "needs 2,025 SBIs: +27 %, outside the 25 % band",
)
def test_aps_2003_about_1600_sbis_for_one_solid_icbm_from_north_korea(solid_track):
    # APS 2003 (Space News, 21 Jul 2003, quoting the study): "at least 1,600" SBIs, "extremely optimistic"
    # parameters, to engage one solid ICBM from North Korea. The study's own SBI and timeline numbers were not
    # available here; with the assumptions of the 'sbi-north-korea' study (4 km/s, 10 g, 300 km / 45 deg, release
    # 90 s after launch, intercept by burnout at 175 s) the worst launch time of a day needed 1,764 (+10 %) on the
    # one-parameter pitch programme and needs 2,025 (+27 %) on the fitted one, whose booster climbs less steeply
    # (burnout 221 km, not 275 km): farther below the 300 km shell, fewer SBIs are in reach. APS's own booster's
    # burnout altitude was not available to say which is nearer the study's.
    res = size_constellation(Shell(300e3, 45 * DEG), solid_track, EPOCH, DAY_5MIN, APS, APS_TIMELINE)
    assert res.simulated == pytest.approx(1600, rel=0.25)
    assert res.analytic < 1600 < res.simulated * 1.05


def test_cbo_2026_7800_sbis_for_10_targets_lies_between_solid_and_liquid_threats():
    # CBO 2026 (publication 62422, via press summaries): 7,800 SBIs in 300-500 km orbits sized for about 10
    # simultaneous targets with 3-5 min boost. CBO's threat mix, SBI performance and timeline are not public here;
    # the same SBIs at 300 km need ~11,000 against ten 180 s solid boosters and ~2,200 against ten 250 s liquid
    # ones: CBO's number lies inside that band, i.e. it is consistent with a mix or with a somewhat slower SBI.
    solid = size_constellation(Shell(300e3, 45 * DEG), _tracks(10), EPOCH, DAY_5MIN, APS, APS_TIMELINE)
    liquid = size_constellation(
        Shell(300e3, 45 * DEG), _tracks(10, "icbm-liquid-2stage"), EPOCH, DAY_5MIN, APS, APS_TIMELINE
    )
    assert liquid.simulated < 7800 < solid.simulated


def test_constellation_grows_in_proportion_to_simultaneous_launches():
    # APS 2003 (IEEE Spectrum, Mar 2005): "the size of the constellation ... grows in proportion to the number of
    # simultaneous launches". The analytic estimate is exactly proportional; the simulated worst case approaches
    # proportionality as the salvo grows (the worst-time margin is a smaller share of a larger count).
    sizes, analytic = {}, {}
    for n in (5, 10, 20):
        res = size_constellation(
            Shell(300e3, 45 * DEG), _tracks(n, "icbm-liquid-2stage"), EPOCH, DAY_5MIN, APS, APS_TIMELINE
        )
        sizes[n], analytic[n] = res.simulated, res.analytic
    assert analytic[20] == pytest.approx(4 * analytic[5], rel=1e-9)
    assert sizes[20] / sizes[10] == pytest.approx(2.0, rel=0.12)
    assert sizes[10] / sizes[5] == pytest.approx(2.0, rel=0.12)


def test_analytic_size_scales_with_shots(solid_track):
    one, _ = analytic_size(Shell(300e3, 45 * DEG), solid_track, APS, APS_TIMELINE, shots=1)
    two, _ = analytic_size(Shell(300e3, 45 * DEG), solid_track, APS, APS_TIMELINE, shots=2)
    assert two == pytest.approx(2 * one)
