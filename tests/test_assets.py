"""Defended assets: the shipped table against the census tables it transcribes, the footprint rule, and the hit
probability of a Gaussian impact against its closed forms (Rayleigh, Rice) and a seeded Monte Carlo."""

import numpy as np
import pytest
from scipy.stats import ncx2

from goldendome.c2.assets import (
    MILITARY_RADIUS_M_DEFAULT,
    MILITARY_VALUE_DEFAULT,
    Assets,
    assets_from,
    hit_probability,
    load_assets,
    metro_radius_m,
)
from goldendome.physics.constants import DEG, R_EARTH_MEAN_M
from goldendome.physics.greatcircle import destination

# rough boxes (lat_min, lat_max, lon_min, lon_max), deg: the US with Alaska and Hawaii; Canada; Mexico; Greenland
BOXES = {
    "US": (18.0, 72.0, -180.0, -65.0),
    "CA": (41.5, 84.0, -141.0, -52.0),
    "MX": (14.0, 33.0, -119.0, -86.0),
    "GL": (59.0, 84.0, -74.0, -10.0),
}
HERE = (39.0 * DEG, -98.0 * DEG)  # an impact point in Kansas for the closed-form cases


def one_asset_at(az_rad, dist_m, radius_m, origin=HERE):
    """One military asset whose centre lies dist_m from the impact point at azimuth az_rad: in the impact's tangent
    plane its centre is exactly dist_m (sin az, cos az) east-north."""
    lat, lon = destination(origin[0], origin[1], az_rad, dist_m / R_EARTH_MEAN_M)
    return assets_from(
        [
            {
                "key": "a",
                "kind": "military",
                "country": "US",
                "lat_deg": float(lat) / DEG,
                "lon_deg": float(lon) / DEG,
                "radius_km": radius_m / 1e3,
            }
        ]
    )


def test_table_loads_with_every_kind_and_country():
    a = load_assets()
    assert len(a) == len(set(a.keys)) == 95
    metro = np.array([k == "metro" for k in a.kind])
    assert metro.sum() == 70 and (~metro).sum() == 25  # 50 + 2 US, 15 CA, 3 MX metros; 25 military sites
    counts = {c: sum(1 for k, cc in zip(a.kind, a.country, strict=True) if k == "metro" and cc == c) for c in BOXES}
    assert counts == {"US": 52, "CA": 15, "MX": 3, "GL": 0}
    assert np.all(a.population[~metro] == 0) and np.all(a.population[metro] > 300_000)
    np.testing.assert_array_equal(a.value[metro], a.population[metro])
    assert np.all(a.value[~metro] == MILITARY_VALUE_DEFAULT)
    assert np.all((a.radius_m[metro] >= 8e3) & (a.radius_m[metro] <= 60e3))
    assert np.all(a.radius_m[~metro] == MILITARY_RADIUS_M_DEFAULT)
    r = a.ecef_m
    assert r.shape == (95, 3) and np.allclose(np.linalg.norm(r, axis=1), 6.37e6, rtol=0.004)
    with pytest.raises(ValueError):
        a.lat_rad[0] = 0.0  # the table is read-only


def test_populations_match_the_census_tables():
    a = load_assets()
    pop = dict(zip(a.keys, a.population, strict=True))
    one_percent = 0.01  # the brief's tolerance; the figures below are transcribed exactly
    # U.S. Census Bureau, 2020 Census, Metropolitan and Micropolitan Statistical Area Population Totals (April 1, 2020)
    assert pop["new-york"] == pytest.approx(20_140_470, rel=one_percent)
    assert pop["los-angeles"] == pytest.approx(13_200_998, rel=one_percent)
    assert pop["chicago"] == pytest.approx(9_618_502, rel=one_percent)
    assert pop["pittsburgh"] == pytest.approx(2_370_930, rel=one_percent)
    # Statistics Canada, 2021 Census of Population, census metropolitan areas
    assert pop["toronto"] == pytest.approx(6_202_225, rel=one_percent)
    assert pop["montreal"] == pytest.approx(4_291_732, rel=one_percent)
    assert pop["vancouver"] == pytest.approx(2_642_825, rel=one_percent)
    # INEGI, Censo de Población y Vivienda 2020, zonas metropolitanas (Metrópolis de México 2020)
    assert pop["mexico-city"] == pytest.approx(21_804_515, rel=one_percent)
    # the 50 US metros are in census rank order and the 50th (Birmingham-Hoover, 1,115,289) tops the 51st
    # (Rochester, NY, 1,090,135)
    us50 = a.select(countries="US", kinds="metro").population[:50]
    assert np.all(np.diff(us50) <= 0) and us50[-1] > 1_090_135


def test_every_coordinate_falls_in_its_country():
    a = load_assets()
    for key, c, lat, lon in zip(a.keys, a.country, a.lat_rad / DEG, a.lon_rad / DEG, strict=True):
        lat0, lat1, lon0, lon1 = BOXES[c]
        assert lat0 <= lat <= lat1 and lon0 <= lon <= lon1, (key, c, lat, lon)


def test_metro_footprint_is_the_disc_at_core_density():
    # radius = sqrt(population / (pi 1500 km^-2)), clipped to 8-60 km (the ASSUMPTION of assets.py)
    assert metro_radius_m(2_000_000) == pytest.approx(np.sqrt(2e6 / (np.pi * 1500.0)) * 1e3, rel=1e-12)
    assert metro_radius_m(100_000) == 8e3 and metro_radius_m(20_000_000) == 60e3
    a = load_assets()
    assert a.radius_m[a.keys.index("new-york")] == 60e3
    b = assets_from(
        [
            {
                "key": "x",
                "kind": "metro",
                "country": "US",
                "lat_deg": 40,
                "lon_deg": -100,
                "population": 2_000_000,
                "radius_km": 12.5,
            }
        ]
    )
    assert b.radius_m[0] == 12.5e3 and b.value[0] == 2e6 and b.names == ("x",)


def test_select_and_nearest():
    a = load_assets()
    ca = a.select(countries="CA")
    assert len(ca) == 23 and set(ca.kind) == {"metro", "military"}
    assert len(a.select(kinds="military")) == 25
    assert a.select(keys=["toronto", "new-york"]).keys == ("new-york", "toronto")  # table order
    with pytest.raises(KeyError, match="no asset with key 'gotham'"):
        a.select(keys="gotham")
    with pytest.raises(ValueError, match="unknown kind"):
        a.select(kinds="city")
    idx, dist = a.nearest(np.array([43.66, np.nan]) * DEG, np.array([-79.40, 0.0]) * DEG)
    assert a.keys[idx[0]] == "toronto" and dist[0] == pytest.approx(1.9e3, abs=0.3e3)  # 0.01 deg N, 0.02 deg W
    assert idx[1] == -1 and np.isnan(dist[1])


def test_centred_circular_gaussian_is_rayleigh():
    # P(|x| <= R) for x ~ N(0, sigma^2 I) is 1 - exp(-R^2 / (2 sigma^2)) (the Rayleigh CDF)
    sigma = 2_000.0
    for r_over_s in (0.3, 1.0, 1.7, 3.0, 5.0):
        a = one_asset_at(0.0, 0.0, r_over_s * sigma)
        p = hit_probability(a, HERE[0], HERE[1], sigma**2 * np.eye(2))
        assert p.shape == (1, 1)
        assert p[0, 0] == pytest.approx(1.0 - np.exp(-0.5 * r_over_s**2), rel=1e-4)


@pytest.mark.parametrize(
    "dist_m, radius_m, sigma_m",
    [
        (5e3, 10e3, 3e3),
        (10e3, 10e3, 3e3),
        (18e3, 10e3, 3e3),
        (30e3, 40e3, 500.0),
        (40.3e3, 40e3, 300.0),
        (8e3, 1e3, 4e3),
        (60e3, 20e3, 15e3),
    ],
)
def test_offset_circle_is_the_noncentral_chi_square(dist_m, radius_m, sigma_m):
    # |x - c|^2 / sigma^2 is non-central chi-square with 2 dof and non-centrality d^2 / sigma^2 (Rice; scipy's ncx2)
    expect = ncx2.cdf(radius_m**2 / sigma_m**2, 2, dist_m**2 / sigma_m**2)
    for az in (0.3, 2.0, 4.4):
        a = one_asset_at(az, dist_m, radius_m)
        p = hit_probability(a, [HERE[0]], [HERE[1]], [sigma_m**2 * np.eye(2)])
        assert p[0, 0] == pytest.approx(expect, rel=1e-3)


def test_elliptic_covariance_matches_a_seeded_monte_carlo():
    # a tilted 3:1 error ellipse against assets inside, across the edge and outside; reference: 1e6 samples of the
    # same Gaussian in the impact's tangent plane (standard error < 5e-4)
    s_major, s_minor, tilt = 6e3, 2e3, 0.5
    c, s = np.cos(tilt), np.sin(tilt)
    rot = np.array([[c, -s], [s, c]])
    cov = rot @ np.diag([s_major**2, s_minor**2]) @ rot.T
    geometry = [(0.4, 2e3, 5e3), (1.2, 7e3, 5e3), (2.5, 6e3, 4e3), (4.0, 3e3, 12e3), (5.5, 15e3, 3e3)]
    x = np.random.default_rng(20260101).multivariate_normal(np.zeros(2), cov, size=1_000_000)
    for az, dist, radius in geometry:
        a = one_asset_at(az, dist, radius)
        centre = dist * np.array([np.sin(az), np.cos(az)])  # east, north
        mc = np.mean(np.sum((x - centre) ** 2, axis=1) <= radius**2)
        assert hit_probability(a, HERE[0], HERE[1], cov)[0, 0] == pytest.approx(mc, abs=3e-3)


def test_nan_impacts_give_zero_and_a_broken_covariance_is_flagged():
    a = load_assets()
    ny = a.keys.index("new-york")
    lat, lon = np.full(4, a.lat_rad[ny]), np.full(4, a.lon_rad[ny])
    lat[1] = np.nan
    cov = np.broadcast_to(1e6 * np.eye(2), (4, 2, 2)).copy()
    cov[2, 0, 1] = np.nan
    cov[3] = -cov[3]  # not a covariance
    p = hit_probability(a, lat, lon, cov)
    assert p.shape == (4, 95)
    assert p[0, ny] == pytest.approx(1.0) and np.all(p[1:3] == 0.0) and np.all(np.isnan(p[3]))
    assert hit_probability(a, [], [], np.empty((0, 2, 2))).shape == (0, 95)


def test_zero_covariance_is_the_indicator():
    a = one_asset_at(1.0, 10e3, 5e3)
    inside = destination(HERE[0], HERE[1], 1.0, 6e3 / R_EARTH_MEAN_M)  # 4 km from the centre
    outside = destination(HERE[0], HERE[1], 1.0, 16e3 / R_EARTH_MEAN_M)  # 6 km beyond it
    lat = np.array([inside[0], outside[0], HERE[0]])
    lon = np.array([inside[1], outside[1], HERE[1]])
    np.testing.assert_array_equal(hit_probability(a, lat, lon, np.zeros((2, 2)))[:, 0], [1.0, 0.0, 0.0])


def test_far_pairs_are_exactly_zero():
    # beyond R + 6 sigma the mass is < 1e-9: not integrated, exactly 0
    a = load_assets()
    p = hit_probability(a, 0.0, -30.0 * DEG, 1e8 * np.eye(2))  # mid-Atlantic, sigma 10 km
    assert np.all(p == 0.0)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"lat_deg": None}, "asset 'x': missing field 'lat_deg'"),
        ({"lat_deg": 95.0}, r"field 'lat_deg' = 95.0 is outside \[-90, 90\]"),
        ({"lon_deg": -200.0}, r"field 'lon_deg' = -200.0 is outside \[-180, 180\]"),
        ({"population": -5}, "field 'population' = -5 is negative"),
        ({"population": "many"}, "field 'population' must be a number"),
        ({"population": 12.5}, "not a whole number"),
        ({"lat": 40.0}, "unknown field 'lat' \\(did you mean 'lat_deg'\\?\\)"),
        ({"kind": "city"}, "field 'kind' must be one of"),
        ({"country": "usa"}, "field 'country' must be a two-letter"),
        ({"radius_km": 0}, "field 'radius_km' = 0.0 must be positive"),
        ({"value": float("nan")}, "field 'value' must be finite"),
    ],
)
def test_bad_entries_name_the_field(change, message):
    entry = {"key": "x", "kind": "metro", "country": "US", "lat_deg": 40.0, "lon_deg": -100.0, "population": 1000}
    entry.update(change)
    entry = {k: v for k, v in entry.items() if v is not None}
    with pytest.raises(ValueError, match=message):
        assets_from([entry])


def test_bad_tables_say_what_is_wrong():
    site = {"key": "s", "kind": "military", "country": "US", "lat_deg": 40.0, "lon_deg": -100.0}
    with pytest.raises(ValueError, match="'population' is for metros"):
        assets_from([{**site, "population": 10}])
    with pytest.raises(ValueError, match="repeats an earlier asset's key"):
        assets_from([site, site])
    with pytest.raises(ValueError, match="missing field 'population'"):
        assets_from([{**site, "kind": "metro"}])
    with pytest.raises(ValueError, match="a list of entries"):
        assets_from(site)
    assert assets_from([{**site, "value": 5e6}]).value[0] == 5e6
    assert len(assets_from([])) == 0
    with pytest.raises(ValueError, match="missing field 'key' \\(or a 'name'"):
        assets_from([{"lat_deg": 40.0, "lon_deg": -100.0}])
    with pytest.raises(ValueError, match="field 'key' must be a non-empty string"):
        assets_from([{**site, "key": 7}])


def test_a_scenario_entry_needs_only_a_name_a_place_and_a_weight():
    # the key comes from the name, the kind from whether a population is given, the country may be left out
    a = assets_from(
        [
            {"name": "Camp Example (HQ)", "lat_deg": 35.0, "lon_deg": -79.0, "value": 2e6},
            {"name": "Springfield", "lat_deg": 39.8, "lon_deg": -89.6, "population": 200_000},
        ]
    )
    assert a.keys == ("camp-example-hq", "springfield") and a.kind == ("military", "metro")
    assert a.country == ("", "") and list(a.value) == [2e6, 2e5] and a.radius_m[1] == 8e3


def test_concatenate_keeps_keys_unique():
    a = load_assets()
    own = assets_from([{"key": "silo-7", "kind": "military", "country": "US", "lat_deg": 47.0, "lon_deg": -111.0}])
    both = Assets.concatenate([a.select(countries="MX"), own])
    assert both.keys == ("mexico-city", "monterrey", "guadalajara", "silo-7")
    assert both.population.dtype == np.int64 and both.value[-1] == MILITARY_VALUE_DEFAULT
    assert len(Assets.concatenate([])) == 0
    with pytest.raises(ValueError, match="repeat the key"):
        Assets.concatenate([a, a.select(keys="toronto")])
