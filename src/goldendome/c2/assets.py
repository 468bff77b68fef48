"""Defended assets: the cities and military sites a battle manager weighs, and the chance an impact hits each.

The table
---------
``data/assets.yaml`` ships the 50 largest US metropolitan statistical areas by 2020 Census population (U.S. Census
Bureau, 2020 Census, Metropolitan and Micropolitan Statistical Area Population Totals) with Anchorage and Urban
Honolulu, the 15 largest Canadian census metropolitan areas (Statistics Canada, 2021 Census of Population), the 3
largest Mexican metropolitan zones (INEGI, Censo 2020, as delimited in SEDATU/CONAPO/INEGI "Metrópolis de México
2020") and 21 publicly known military sites of homeland missile defence and nuclear deterrence. The file header says
which figures were cross-checked and which are UNVERIFIED (rounded to 1,000).

An asset's *value* is what the weapon-target assignment weighs: a metro's census population; a military site's
people-equivalent weight, 1,000,000 by default (:data:`MILITARY_VALUE_DEFAULT`, an ASSUMPTION the user overrides).

The footprint
-------------
An asset is a disc on the ground. A metro's statistical area is whole counties (the New York MSA is some 250 km
across); what a defence protects is the built-up core where the people are. ASSUMPTION: the defended footprint of a
metro is the disc that holds its population at a typical metro-core density of 1,500 people/km^2,

    radius = clip(sqrt(population / (pi * 1500 km^-2)), 8 km, 60 km)

(:func:`metro_radius_m`; the density sits inside the spread of large US urbanized areas in the 2010 Census, from
~650/km^2 Atlanta to ~2,700/km^2 Los Angeles, recalled and UNVERIFIED). This is a defended footprint, not the legal
extent of the statistical area. A military site's is 5 km (:data:`MILITARY_RADIUS_M_DEFAULT`, ASSUMPTION: a base's
fenced area plus a margin). Any entry may give ``radius_km`` instead.

The chance of a hit
-------------------
A predicted impact is a Gaussian on the ground: mean at (lat, lon), 2x2 east-north covariance C (m^2) in the local
tangent plane (what :mod:`goldendome.c2.forecast` produces). The probability that the warhead lands inside an asset
of radius R is the integral of that Gaussian over the disc. The disc's centre is put into the impact's tangent plane
by the great-circle distance d and initial azimuth az from the impact (an azimuthal equidistant projection: at the
few hundred km where the probability is not 0 its distortion is (d/R_E)^2/6 < 0.2 %); latitudes and longitudes are
taken on the mean sphere as in :mod:`goldendome.physics.greatcircle` (< 0.5 % in distance).

In the Gaussian's principal frame (x along the minor axis, sigma_x; y along the major axis, sigma_y) the integral
over y of each vertical chord of the disc is closed form, so the 2-D integral becomes one dimension:

    P = int N(x; 0, sigma_x) [Phi((c_y + w(x)) / sigma_y) - Phi((c_y - w(x)) / sigma_y)] dx,
    w(x) = sqrt(R^2 - (x - c_x)^2),  x over the chord range [c_x - R, c_x + R] cut to |x| <= 6 sigma_x

(Phi the standard normal CDF: in the principal frame x and y are independent, and the mass of y on an interval is
a difference of two CDFs). The remaining integral is done by a fixed, deterministic Gauss-Legendre rule in t, with
x = c_x - R cos t, which makes w = R sin t smooth at the chord's ends; the t-range is cut into at most 8 panels, at
the Gaussian's centre and +/-3 sigma_x and around the points where a chord's end crosses the line y = 0 (where Phi
turns over, within ~ sigma_y / R in t). With :data:`NODES_PER_PANEL` = 12 nodes a panel the error against adaptive
quadrature was below 1e-5 (absolute) over 6,000 random geometries with sigma from 1 m to 100 km, axis ratios up to
1,000 and radii 1-60 km. A fixed grid over the disc (radius x angle) would need thousands of nodes once sigma << R,
the usual case (metres to kilometres of impact error against 8-60 km discs).

Special cases: a zero covariance (sigma_y below a millimetre) gives the indicator of the impact point being inside;
a zero minor axis gives the closed form along the line; pairs farther apart than R + 6 sigma_y are 0 (the disc then
lies beyond 6 sigma along one direction: mass < 1e-9) and are never integrated, which is what keeps thousands of
impacts against a hundred assets cheap.

Checks: a centred circular Gaussian gives 1 - exp(-R^2 / 2 sigma^2) (Rayleigh); an offset one the non-central
chi-square CDF with 2 degrees of freedom, i.e. 1 - Marcum's Q_1(d / sigma, R / sigma) (Marcum, "A statistical theory
of target detection by pulsed radar", RAND RM-754, 1947); an elliptic one a seeded Monte Carlo
(``tests/test_assets.py``).
"""

import difflib
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numba
import numpy as np
import yaml

from goldendome.physics.compiled import SizedKernel
from goldendome.physics.constants import DEG, R_EARTH_MEAN_M
from goldendome.physics.frames import geodetic_to_ecef
from goldendome.physics.greatcircle import central_angle, initial_azimuth, unit_vector

METRO_CORE_DENSITY_PER_M2 = 1500e-6
"""People per m^2 of a metro's defended core: 1,500/km^2, ASSUMPTION (see the module docstring)."""
METRO_RADIUS_MIN_M = 8e3
"""Smallest metro footprint radius, m (ASSUMPTION: a city core is not smaller than ~8 km across its radius)."""
METRO_RADIUS_MAX_M = 60e3
"""Largest metro footprint radius, m (ASSUMPTION: beyond ~60 km a metro is not one target but several)."""
MILITARY_RADIUS_M_DEFAULT = 5e3
"""Footprint radius of a military site, m (ASSUMPTION: the fenced area of a base plus a margin)."""
MILITARY_VALUE_DEFAULT = 1.0e6
"""People-equivalent value of a military site for weapon-target assignment (ASSUMPTION: a modelling choice of the
study, not a statement about any site; override per site with ``value``)."""

N_SIGMA = 6.0
"""Gaussian cut: pairs beyond R + N_SIGMA * sigma_major are 0 (mass < 1e-9), and the minor-axis integral stops at
N_SIGMA sigma_minor (mass lost < 2e-9)."""
SIGMA_FLOOR_M = 1e-3
"""A standard deviation below 1 mm is treated as 0 (far below any impact error; above the rounding of the map)."""
NODES_PER_PANEL = 12
"""Gauss-Legendre nodes in each of the (at most 8) panels of the chord integral (see the module docstring)."""

KINDS = ("metro", "military")
_FIELDS_REQUIRED = ("lat_deg", "lon_deg")
_FIELDS_OPTIONAL = ("key", "name", "kind", "country", "population", "value", "radius_km", "note", "source")


@dataclass(frozen=True, eq=False)
class Assets:
    """A table of A defended assets (struct of arrays, in table order).

    keys, names, kind ('metro' or 'military'), country (ISO 3166-1 alpha-2) : tuples of A str;
    lat_rad, lon_rad : (A,) WGS-84 geodetic latitude and longitude, rad; radius_m : (A,) footprint radius, m;
    population : (A,) int64 census population (0 for military sites); value : (A,) float, the weight of the
    weapon-target assignment (population for metros; people-equivalent for military sites).

    Build it with :func:`load_assets` (the shipped table) or :func:`assets_from` (your own entries); arrays are
    read-only.
    """

    keys: tuple[str, ...]
    names: tuple[str, ...]
    kind: tuple[str, ...]
    country: tuple[str, ...]
    lat_rad: np.ndarray
    lon_rad: np.ndarray
    radius_m: np.ndarray
    population: np.ndarray
    value: np.ndarray

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def ecef_m(self) -> np.ndarray:
        """(A, 3) Earth-fixed positions of the asset centres on the ellipsoid (height 0), m."""
        return geodetic_to_ecef(self.lat_rad, self.lon_rad, 0.0).reshape(len(self), 3)

    def select(self, keys=None, countries=None, kinds=None) -> "Assets":
        """The assets with the given keys, in countries and of kinds (each None: no filter; a str is one value), in
        table order. Unknown keys raise KeyError; unknown kinds raise ValueError."""
        keep = np.ones(len(self), bool)
        if keys is not None:
            keys = {keys} if isinstance(keys, str) else set(keys)
            missing = keys - set(self.keys)
            if missing:
                raise KeyError(
                    f"no asset with key {', '.join(map(repr, sorted(missing)))}; keys look like "
                    f"{', '.join(self.keys[:5])}, ..."
                )
            keep &= np.array([k in keys for k in self.keys], bool)
        if countries is not None:
            countries = {countries} if isinstance(countries, str) else set(countries)
            keep &= np.array([c in countries for c in self.country], bool)
        if kinds is not None:
            kinds = {kinds} if isinstance(kinds, str) else set(kinds)
            if kinds - set(KINDS):
                raise ValueError(f"unknown kind {sorted(kinds - set(KINDS))}; the kinds are {KINDS}")
            keep &= np.array([k in kinds for k in self.kind], bool)
        return self._take(np.flatnonzero(keep))

    def nearest(self, lat_rad, lon_rad):
        """Nearest asset centre to each point (great circle on the mean sphere).

        lat_rad, lon_rad : (M,) points, rad. Returns (index (M,) int, -1 where the point is NaN or the table empty;
        distance (M,) to that asset's centre, m, NaN there)."""
        lat, lon = np.broadcast_arrays(
            np.atleast_1d(np.asarray(lat_rad, float)), np.atleast_1d(np.asarray(lon_rad, float))
        )
        lat, lon = lat.ravel(), lon.ravel()
        idx = np.full(lat.size, -1, np.int64)
        dist = np.full(lat.size, np.nan)
        ok = np.isfinite(lat) & np.isfinite(lon)
        if len(self) == 0 or not ok.any():
            return idx, dist
        rows = np.flatnonzero(ok)
        u, v = unit_vector(lat, lon), unit_vector(self.lat_rad, self.lon_rad)
        for block in np.array_split(rows, rows.size * len(self) // 4_000_000 + 1):  # bound the (M, A) memory
            idx[block] = np.argmax(u[block] @ v.T, axis=1)  # the largest cosine is the shortest arc
        j = idx[rows]
        dist[rows] = R_EARTH_MEAN_M * central_angle(lat[rows], lon[rows], self.lat_rad[j], self.lon_rad[j])
        return idx, dist

    @staticmethod
    def concatenate(parts) -> "Assets":
        """One table of several (e.g. the shipped one filtered, then a scenario's own); keys must stay unique."""
        parts = list(parts)
        keys = tuple(k for p in parts for k in p.keys)
        if len(set(keys)) != len(keys):
            dup = sorted({k for k in keys if keys.count(k) > 1})
            raise ValueError(f"assets repeat the key(s) {', '.join(map(repr, dup))}; give each asset its own key")
        return Assets(
            keys=keys,
            names=tuple(n for p in parts for n in p.names),
            kind=tuple(k for p in parts for k in p.kind),
            country=tuple(c for p in parts for c in p.country),
            **{
                f: _frozen(np.concatenate([getattr(p, f) for p in parts] or [np.empty(0, dt)]).astype(dt))
                for f, dt in (
                    ("lat_rad", float),
                    ("lon_rad", float),
                    ("radius_m", float),
                    ("population", np.int64),
                    ("value", float),
                )
            },
        )

    def _take(self, idx) -> "Assets":
        idx = np.asarray(idx, np.int64)
        pick = [int(i) for i in idx]
        return Assets(
            keys=tuple(self.keys[i] for i in pick),
            names=tuple(self.names[i] for i in pick),
            kind=tuple(self.kind[i] for i in pick),
            country=tuple(self.country[i] for i in pick),
            lat_rad=_frozen(self.lat_rad[idx]),
            lon_rad=_frozen(self.lon_rad[idx]),
            radius_m=_frozen(self.radius_m[idx]),
            population=_frozen(self.population[idx]),
            value=_frozen(self.value[idx]),
        )


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a)
    a.setflags(write=False)
    return a


def metro_radius_m(population):
    """Defended footprint radius (m) of metros of the given population: the disc holding it at
    :data:`METRO_CORE_DENSITY_PER_M2`, clipped to [:data:`METRO_RADIUS_MIN_M`, :data:`METRO_RADIUS_MAX_M`]
    (ASSUMPTION, see the module docstring)."""
    p = np.asarray(population, float)
    return np.clip(np.sqrt(p / (np.pi * METRO_CORE_DENSITY_PER_M2)), METRO_RADIUS_MIN_M, METRO_RADIUS_MAX_M)


@cache
def load_assets() -> Assets:
    """The shipped table ``c2/data/assets.yaml``: metros (census populations) then military sites."""
    text = resources.files("goldendome.c2").joinpath("data/assets.yaml").read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    entries = []
    for section, kind in (("metros", "metro"), ("military", "military")):
        for key, d in (doc.get(section) or {}).items():
            entries.append({"key": key, "kind": kind, **d})
    return assets_from(entries)


def assets_from(entries) -> Assets:
    """Assets from a list of dicts with the fields of ``assets.yaml`` (degrees and km, as a scenario file writes them).

    Each entry: lat_deg in [-90, 90] and lon_deg in [-180, 180]; key (unique; default the name in kebab case) or
    name (default the key); kind, 'metro' (needs population, an integer >= 0) or 'military' (default: 'metro' if a
    population is given, else 'military'); optional: country (ISO 3166-1 alpha-2 such as 'US'; default '', never
    matched by ``select(countries=...)``), value (>= 0; default the population, or :data:`MILITARY_VALUE_DEFAULT`),
    radius_km (> 0; default :func:`metro_radius_m` or :data:`MILITARY_RADIUS_M_DEFAULT`), note and source (free text,
    kept out of the arrays). A bad entry raises ValueError naming the asset, the field and what is wrong with it.
    An entry may also be a scenario file's typed asset (``goldendome.scenario.models.Asset``): its fields given.
    """
    if isinstance(entries, dict):
        raise ValueError("assets_from takes a list of entries (dicts), not one dict; wrap it in a list")
    cols = {k: [] for k in ("keys", "names", "kind", "country", "lat", "lon", "radius", "population", "value")}
    seen = set()
    for i, e in enumerate(entries):
        if hasattr(e, "model_dump"):  # a typed entry of a scenario file: the fields it was given
            e = e.model_dump(exclude_none=True)
        if not isinstance(e, dict):
            raise ValueError(f"asset #{i}: an entry must be a dict of fields, got {type(e).__name__}")
        label = e.get("key", e.get("name"))
        who = f"asset {label!r}" if isinstance(label, str) else f"asset #{i}"
        known = _FIELDS_REQUIRED + _FIELDS_OPTIONAL
        for f in e:
            if f not in known:
                hint = difflib.get_close_matches(str(f), known, n=1)
                raise ValueError(
                    f"{who}: unknown field {f!r}"
                    + (f" (did you mean {hint[0]!r}?)" if hint else "")
                    + f"; the fields are {', '.join(known)}"
                )
        for f in _FIELDS_REQUIRED:
            if f not in e or e[f] is None:
                raise ValueError(f"{who}: missing field {f!r}")
        key, name = e.get("key"), e.get("name")
        if key is None and name is None:
            raise ValueError(f"{who}: missing field 'key' (or a 'name' to make it from)")
        for f, v in (("key", key), ("name", name)):
            if v is not None and not (isinstance(v, str) and v.strip()):
                raise ValueError(f"{who}: field {f!r} must be a non-empty string, got {v!r}")
        name = key if name is None else name
        key = "-".join("".join(ch if ch.isalnum() else " " for ch in name.lower()).split()) if key is None else key
        if not key:
            raise ValueError(f"{who}: field 'name' {name!r} makes no key (no letters or digits); give a 'key'")
        if key in seen:
            raise ValueError(f"{who}: field 'key' repeats an earlier asset's key; keys must be unique")
        seen.add(key)
        kind = e.get("kind", "metro" if e.get("population") is not None else "military")
        if kind not in KINDS:
            raise ValueError(f"{who}: field 'kind' must be one of {KINDS}, got {kind!r}")
        country = e.get("country", "")
        if country != "" and not (
            isinstance(country, str) and len(country) == 2 and country.isalpha() and country.isupper()
        ):
            raise ValueError(
                f"{who}: field 'country' must be a two-letter ISO 3166-1 code such as 'US', got {country!r}"
            )
        lat = _number(who, "lat_deg", e["lat_deg"])
        if not -90.0 <= lat <= 90.0:
            raise ValueError(f"{who}: field 'lat_deg' = {lat} is outside [-90, 90] degrees")
        lon = _number(who, "lon_deg", e["lon_deg"])
        if not -180.0 <= lon <= 180.0:
            raise ValueError(f"{who}: field 'lon_deg' = {lon} is outside [-180, 180] degrees")
        if kind == "metro":
            if e.get("population") is None:
                raise ValueError(f"{who}: missing field 'population' (a metro's census population)")
            pop = _number(who, "population", e["population"])
            if pop < 0:
                raise ValueError(f"{who}: field 'population' = {e['population']} is negative")
            if pop != int(pop):
                raise ValueError(f"{who}: field 'population' = {e['population']} is not a whole number of people")
            pop = int(pop)
            value_default, radius_default = float(pop), float(metro_radius_m(pop))
        else:
            if e.get("population") is not None:
                raise ValueError(
                    f"{who}: field 'population' is for metros; give a military site a 'value' "
                    f"(people-equivalent) instead"
                )
            pop, value_default, radius_default = 0, MILITARY_VALUE_DEFAULT, MILITARY_RADIUS_M_DEFAULT
        value = value_default
        if e.get("value") is not None:
            value = _number(who, "value", e["value"])
            if value < 0:
                raise ValueError(f"{who}: field 'value' = {value} is negative")
        radius = radius_default
        if e.get("radius_km") is not None:
            radius_km = _number(who, "radius_km", e["radius_km"])
            if radius_km <= 0:
                raise ValueError(f"{who}: field 'radius_km' = {radius_km} must be positive")
            radius = radius_km * 1e3
        for col, v in zip(cols, (key, name, kind, country, lat, lon, radius, pop, value), strict=True):
            cols[col].append(v)
    return Assets(
        keys=tuple(cols["keys"]),
        names=tuple(cols["names"]),
        kind=tuple(cols["kind"]),
        country=tuple(cols["country"]),
        lat_rad=_frozen(np.array(cols["lat"], float) * DEG),
        lon_rad=_frozen(np.array(cols["lon"], float) * DEG),
        radius_m=_frozen(np.array(cols["radius"], float)),
        population=_frozen(np.array(cols["population"], np.int64)),
        value=_frozen(np.array(cols["value"], float)),
    )


def _number(who: str, field: str, v) -> float:
    """A finite real number from a scenario field, or a ValueError that names it."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise ValueError(f"{who}: field {field!r} must be a number, got {v!r}")
    if not math.isfinite(v):
        raise ValueError(f"{who}: field {field!r} must be finite, got {v!r}")
    return float(v)


def hit_probability(assets: Assets, lat_rad, lon_rad, cov_en_m2) -> np.ndarray:
    """Probability (N, A) that each of N impacts lands inside each asset's footprint.

    lat_rad, lon_rad : (N,) mean impact points, rad (as :class:`goldendome.c2.forecast.Forecast` gives them);
    cov_en_m2 : (N, 2, 2) (or one (2, 2) for all) east-north covariance of each impact point in its local tangent
    plane, m^2 (the symmetric part is used).

    A row is 0 where the impact's point or covariance has a NaN (no prediction: a threat to nothing) and NaN where
    the covariance is not positive semi-definite (a broken estimate, flagged rather than hidden). Method and
    accuracy: the module docstring.
    """
    lat = np.atleast_1d(np.asarray(lat_rad, float)).ravel()
    lon = np.atleast_1d(np.asarray(lon_rad, float)).ravel()
    n, n_a = lat.size, len(assets)
    if lon.size != n:
        raise ValueError(f"lat_rad has {n} points but lon_rad {lon.size}")
    cov = np.asarray(cov_en_m2, float)
    if cov.shape == (2, 2):
        cov = np.broadcast_to(cov, (n, 2, 2))
    if cov.shape != (n, 2, 2):
        raise ValueError(f"cov_en_m2 must be (N, 2, 2) or (2, 2) for N = {n} impacts, got shape {cov.shape}")
    out = np.zeros((n, n_a))
    if n == 0 or n_a == 0:
        return out

    ce, cn, cen = cov[:, 0, 0], cov[:, 1, 1], 0.5 * (cov[:, 0, 1] + cov[:, 1, 0])
    finite = np.isfinite(lat) & np.isfinite(lon) & np.isfinite(ce) & np.isfinite(cn) & np.isfinite(cen)
    with np.errstate(invalid="ignore"):
        mid, rad = 0.5 * (ce + cn), np.hypot(0.5 * (ce - cn), cen)
        lam_major, lam_minor = mid + rad, mid - rad
        # a covariance's eigenvalues are >= 0; allow rounding, flag anything worse
        psd = lam_minor >= -1e-9 * np.maximum(np.abs(lam_major), SIGMA_FLOOR_M**2)
    out[finite & ~psd] = np.nan
    ok = finite & psd
    s_major = np.sqrt(np.maximum(lam_major, 0.0))
    s_minor = np.sqrt(np.maximum(lam_minor, 0.0))
    phi = 0.5 * np.arctan2(2.0 * cen, ce - cn)  # major axis, counter-clockwise from east

    # prefilter on chords (one matrix product): a chord 2 sin(theta/2) never exceeds its arc theta, so every pair
    # within reach passes; the great-circle distance then decides on the few that do
    reach = (assets.radius_m + N_SIGMA * s_major[:, None]) / R_EARTH_MEAN_M  # (N, A) arcs, rad
    ii, jj = _pairs_within(unit_vector(lat, lon), unit_vector(assets.lat_rad, assets.lon_rad), reach, ok)
    dd = R_EARTH_MEAN_M * central_angle(lat[ii], lon[ii], assets.lat_rad[jj], assets.lon_rad[jj])
    keep = dd <= reach[ii, jj] * R_EARTH_MEAN_M
    ii, jj, dd = ii[keep], jj[keep], dd[keep]
    if ii.size == 0:
        return out
    az = initial_azimuth(lat[ii], lon[ii], assets.lat_rad[jj], assets.lon_rad[jj])
    east, north = dd * np.sin(az), dd * np.cos(az)
    c, s = np.cos(phi[ii]), np.sin(phi[ii])
    c_major = east * c + north * s
    c_minor = -east * s + north * c
    out[ii, jj] = _disc_probability(c_minor, c_major, assets.radius_m[jj], s_minor[ii], s_major[ii])
    return out


def _pairs_within(u, v, arc_rad, row_ok):
    """Row and column indices (i, j) with row_ok[i] and chord |u_i - v_j| <= arc_rad[i, j]: unit vectors u (N, 3)
    and v (A, 3); a superset of the pairs within that arc. Rows go in blocks to bound the (N, A) memory."""
    rows = np.flatnonzero(row_ok)
    ii, jj = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
    for block in np.array_split(rows, rows.size * v.shape[0] // 4_000_000 + 1):
        chord2 = 2.0 - 2.0 * (u[block] @ v.T)
        bi, bj = np.nonzero(chord2 <= arc_rad[block] ** 2 + 1e-14)  # 1e-14: rounding of 2 - 2 cos, ~1 m
        ii.append(block[bi])
        jj.append(bj)
    return np.concatenate(ii), np.concatenate(jj)


_GL_X, _GL_W = np.polynomial.legendre.leggauss(NODES_PER_PANEL)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


@numba.njit(cache=True, inline="always")
def _phi_between(lo, hi):  # pragma: no cover - compiled
    """Phi(hi) - Phi(lo) for lo <= hi, on the tail where it is small (no 1 - 1 cancellation)."""
    if lo >= 8.5 or hi <= -8.5:  # Phi(-8.5) < 1e-17: nothing between
        return 0.0
    if lo <= -8.5 and hi >= 8.5:
        return 1.0
    if lo + hi > 0.0:
        return 0.5 * (math.erfc(lo / math.sqrt(2.0)) - math.erfc(hi / math.sqrt(2.0)))
    return 0.5 * (math.erfc(-hi / math.sqrt(2.0)) - math.erfc(-lo / math.sqrt(2.0)))


@numba.njit(cache=True)
def _t_of_x(x, cx, r):  # pragma: no cover - compiled
    u = (cx - x) / r
    return math.acos(min(1.0, max(-1.0, u)))


@numba.njit(cache=True)
def _disc_one(cx, cy, r, sx, sy, gx, gw, nsig, floor):  # pragma: no cover - compiled
    """P(disc centred (cx, cy), radius r) of N(0, diag(sx^2, sy^2)), sx <= sy (module docstring)."""
    if sy < floor:  # a point
        return 1.0 if cx * cx + cy * cy <= r * r else 0.0
    if sx < floor:  # a line along y
        if abs(cx) > r:
            return 0.0
        w0 = math.sqrt(r * r - cx * cx)
        return _phi_between((cy - w0) / sy, (cy + w0) / sy)
    x_lo, x_hi = max(-nsig * sx, cx - r), min(nsig * sx, cx + r)
    if x_lo >= x_hi:
        return 0.0
    t_lo, t_hi = _t_of_x(x_lo, cx, r), _t_of_x(x_hi, cx, r)
    bp = np.empty(9)
    bp[0], bp[1] = t_lo, t_hi
    bp[2], bp[3], bp[4] = _t_of_x(-3.0 * sx, cx, r), _t_of_x(0.0, cx, r), _t_of_x(3.0 * sx, cx, r)
    if abs(cy) <= r:  # a chord's end crosses y = 0 at sin t = |cy| / r: Phi turns over there
        sn = abs(cy) / r
        t1 = math.asin(sn)
        half = nsig * sy / (r * max(math.sqrt(1.0 - sn * sn), math.sqrt(sy / r)))
        bp[5], bp[6], bp[7], bp[8] = t1 - half, t1 + half, math.pi - t1 - half, math.pi - t1 + half
    else:
        bp[5] = bp[6] = bp[7] = bp[8] = t_lo
    for k in range(9):
        bp[k] = min(t_hi, max(t_lo, bp[k]))
    bp.sort()
    acc = 0.0
    for p in range(8):
        a, b = bp[p], bp[p + 1]
        if b <= a:
            continue
        mid, scale = 0.5 * (a + b), 0.5 * (b - a)
        for q in range(gx.shape[0]):
            t = mid + scale * gx[q]
            x = cx - r * math.cos(t)
            w = r * math.sin(t)
            pdf = math.exp(-0.5 * (x / sx) ** 2) / sx
            acc += scale * gw[q] * pdf * _phi_between((cy - w) / sy, (cy + w) / sy) * w
    return min(1.0, acc * _INV_SQRT_2PI)


def _disc_kernel_py(cx, cy, r, sx, sy, gx, gw, nsig, floor, out):  # pragma: no cover - compiled
    for k in numba.prange(cx.shape[0]):
        out[k] = _disc_one(cx[k], cy[k], r[k], sx[k], sy[k], gx, gw, nsig, floor)


PARALLEL_FROM = 2048
"""Batches of at least this many impact-asset pairs are integrated on all cores; smaller ones serially (a thread
pool's start-up costs more than a few hundred pairs' work)."""
_DISC_KERNEL = SizedKernel(_disc_kernel_py, PARALLEL_FROM)


def _disc_probability(c_minor, c_major, radius_m, s_minor, s_major):
    """Probability of discs (K pairs) under zero-mean Gaussians with principal standard deviations s_minor <= s_major,
    the disc centres given in the principal frame (compiled)."""
    out = np.empty(c_minor.size)
    args = [np.ascontiguousarray(a, float) for a in (c_minor, c_major, radius_m, s_minor, s_major)]
    _DISC_KERNEL(out.size, *args, _GL_X, _GL_W, N_SIGMA, SIGMA_FLOOR_M, out)
    return out
