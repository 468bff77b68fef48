"""``goldendome threat rerange``: what range a lofted test implies on a standard trajectory, as a same-speed bound
(:func:`goldendome.threats.rerange.rerange`) or flown with a catalogue missile fitted to the test
(:func:`goldendome.threats.rerange.rerange_flown`)."""

import datetime as dt
import math
from typing import Annotated

import numpy as np
import typer

from goldendome.cli.common import console, fail
from goldendome.cli.tables import table

_COLUMNS = ("quantity", "value", "note")
"""The columns of both re-ranging tables."""


def threat_rerange(
    apogee_km: Annotated[
        float | None,
        typer.Option(help="Reported apogee of the lofted test, km (with --missile: default its published test's)."),
    ] = None,
    range_km: Annotated[float | None, typer.Option(help="Reported ground range of the test, km.")] = None,
    flight_time_min: Annotated[
        float | None,
        typer.Option(
            min=0.1,
            max=600.0,
            help="Reported flight time, min (to check the fit; with --missile, to fit the burn time).",
        ),
    ] = None,
    missile: Annotated[
        str | None,
        typer.Option(
            help="Catalogue missile to fit to the test and fly (goldendome "
            "threat list), e.g. hwasong-15: prints the flown equivalent range "
            "beside the same-speed bound."
        ),
    ] = None,
    test: Annotated[
        str | None,
        typer.Option(
            help="With --missile and no --apogee-km: which published test (part of "
            "its name, e.g. 'Nov 2017'); default the first with an "
            "apogee."
        ),
    ] = None,
    payload_only: Annotated[
        bool,
        typer.Option(
            "--payload-only", help="With --missile: fit the payload alone, keeping the catalogue's burn times."
        ),
    ] = False,
    launch_lat: Annotated[float, typer.Option(min=-90.0, max=90.0, help="Launch latitude, deg.")] = 39.0,
    launch_lon: Annotated[float, typer.Option(min=-360.0, max=360.0, help="Launch longitude, deg.")] = 125.7,
    test_azimuth_deg: Annotated[
        float, typer.Option(min=-360.0, max=360.0, help="Azimuth of the test flight, deg from north.")
    ] = 90.0,
    target_azimuth_deg: Annotated[
        float, typer.Option(min=-360.0, max=360.0, help="Azimuth of the standard flight, deg.")
    ] = 45.0,
    burnout_altitude_km: Annotated[
        float, typer.Option(min=0.0, max=2000.0, help="Assumed burnout altitude, km (without --missile).")
    ] = 300.0,
    boost_time_s: Annotated[
        float, typer.Option(min=1.0, max=3600.0, help="Assumed boost duration, s (without --missile).")
    ] = 300.0,
):
    """Re-range a lofted test: what range would the tested missile reach on a standard trajectory?

    Without --missile: the same-burnout-speed figure. The burnout speed and angle are fitted to the reported
    apogee and range (rotating Earth, launch azimuth) and the same speed is flown on the longest trajectory along
    the target azimuth: a lower bound, since a missile on a standard trajectory also loses less speed to gravity.

    With --missile: a catalogue design is fitted to the test (its payload to the apogee, its burn times to the
    flight time), flown lofted to check, then flown on its greatest-range trajectory toward the target azimuth,
    printed beside the lower bound and the published estimates.

    Examples (Hwasong-15, 29 Nov 2017: 4,475 km apogee, 950 km, 53 min):
    [bold]goldendome threat rerange --apogee-km 4475 --range-km 950 --flight-time-min 53[/]
    [bold]goldendome threat rerange --missile hwasong-15[/]
    """
    bad = [
        f"--{k.replace('_', '-')}: must be a finite number, got {v}"
        for k, v in (
            ("apogee_km", apogee_km),
            ("range_km", range_km),
            ("flight_time_min", flight_time_min),
            ("launch_lat", launch_lat),
            ("launch_lon", launch_lon),
            ("test_azimuth_deg", test_azimuth_deg),
            ("target_azimuth_deg", target_azimuth_deg),
            ("burnout_altitude_km", burnout_altitude_km),
            ("boost_time_s", boost_time_s),
        )
        if v is not None and not math.isfinite(v)
    ]
    if missile is None and (apogee_km is None or range_km is None):
        bad.append(
            "give --apogee-km and --range-km of the test, or --missile NAME to fly a catalogue missile's published test"
        )
    if bad:
        fail("threat rerange", bad)
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.threats.rerange import RerangeError, rerange

    if missile is not None:
        _rerange_flown(
            missile,
            test,
            apogee_km,
            range_km,
            flight_time_min,
            launch_lat,
            launch_lon,
            test_azimuth_deg,
            target_azimuth_deg,
            not payload_only,
        )
        return
    rad = np.radians
    try:
        r = rerange(
            apogee_km * 1e3,
            range_km * 1e3,
            rad(launch_lat),
            rad(launch_lon),
            rad(test_azimuth_deg),
            rad(target_azimuth_deg),
            burnout_altitude_km * 1e3,
            boost_time_s,
        )
    except RerangeError as exc:
        fail("cannot re-range these observations", [str(exc)])
    obs = f"reported {flight_time_min:.1f} min" if flight_time_min else "no reported time given"
    cells = [
        (
            "burnout speed (Earth-relative)",
            f"{r.burnout_speed_mps / 1e3:.2f} km/s",
            f"fitted at {burnout_altitude_km:.0f} km altitude",
        ),
        ("burnout flight-path angle", f"{np.degrees(r.burnout_gamma_rad):.1f}°", "the lofted test"),
        (
            "fitted apogee / range",
            f"{r.fitted_apogee_m / 1e3:,.0f} / {r.fitted_range_m / 1e3:,.0f} km",
            "reproduces the observations",
        ),
        (
            "flight time of the fitted flight",
            f"{r.fitted_flight_time_s / 60:.1f} min",
            f"{obs}; boost {boost_time_s:.0f} s assumed",
        ),
        (
            "[bold]equivalent range[/]",
            f"[bold]{r.equivalent_range_m / 1e3:,.0f} km[/]",
            f"same speed, azimuth {target_azimuth_deg:.0f}°, rotating Earth",
        ),
        (
            "  flight-path angle, flight time",
            f"{np.degrees(r.equivalent_gamma_rad):.1f}°, {r.equivalent_flight_time_s / 60:.1f} min",
            "",
        ),
        ("  on a non-rotating Earth", f"{r.equivalent_range_no_rotation_m / 1e3:,.0f} km", "textbook figure"),
    ]
    console.print(table(_COLUMNS, cells, title="Re-ranging a lofted test", left=("quantity", "note")))
    console.print(
        "Same burnout speed is a lower bound: a missile flown on a standard trajectory also loses less "
        "speed to gravity during its boost than on a steep lofted one (--missile NAME flies one).",
        highlight=False,
    )


def _rerange_flown(
    name,
    test,
    apogee_km,
    range_km,
    flight_time_min,
    launch_lat,
    launch_lon,
    test_azimuth_deg,
    target_azimuth_deg,
    fit_burn_time,
) -> None:
    """threat rerange --missile: fit the design to the test, fly it, print the table."""
    # lazy: the CLI loads the simulator only when a command runs (start-up time)
    from goldendome.threats.missile import MissileDesign, PublishedFlight, any_design
    from goldendome.threats.named import Comparison
    from goldendome.threats.rerange import RerangeError, rerange_flown

    try:
        d = any_design(name)
    except KeyError as exc:
        fail("unknown threat", [str(exc.args[0])])
    if not isinstance(d, MissileDesign):
        fail(f"--missile {name}", ["re-ranging fits a ballistic missile; this entry is not one"])
    if apogee_km is not None:
        if range_km is None:
            fail("threat rerange", ["--range-km: give the test's ground range with its apogee"])
        seconds = math.nan if flight_time_min is None else flight_time_min * 60.0
        flight = PublishedFlight(
            "the given test", launch_lat, launch_lon, test_azimuth_deg, range_km, "lofted", apogee_km, seconds
        )
    else:
        tests = [f for f in (d.published.flights if d.published else ()) if np.isfinite(f.apogee_km)]
        chosen = [f for f in tests if test is None or test.lower() in f.name.lower()]
        if not chosen:
            have = ", ".join(repr(f.name) for f in tests) or "none"
            fail(
                f"--missile {name}",
                [
                    f"no published lofted test{'' if test is None else f' matching {test!r}'} "
                    f"(it has: {have}); give --apogee-km and --range-km"
                ],
            )
        flight = chosen[0]
    epoch = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with console.status(f"fitting {d.name} to {flight.name} and flying it (about half a minute)"):
        try:
            r = rerange_flown(d, flight, epoch, np.radians(target_azimuth_deg), fit_burn_time)
        except RerangeError as exc:
            fail("cannot re-range this test with this missile", [str(exc)])
    fit, got, reach, bound, b = r.fit, r.fit.flown, r.reach, r.lower_bound, r.reach.budget
    timed = "fitted to the flight time" if fit.time_converged else "the catalogue's (not fitted)"
    cells = [
        (
            "fitted payload",
            f"{fit.design.payload_kg:,.0f} kg",
            f"catalogue {d.payload_kg:,.0f} kg; fitted to the apogee",
        ),
        (
            "burn time",
            f"{fit.design.burn_time_s:.0f} s",
            f"×{fit.burn_scale:.2f} of the catalogue's {d.burn_time_s:.0f} s: {timed}",
        ),
    ]
    for what, model, published, unit in (
        ("test apogee", got.apogee_m / 1e3, flight.apogee_km, "km"),
        ("test range", got.range_m / 1e3, flight.range_km, "km"),
        ("test flight time", got.flight_time_s / 60, flight.flight_time_s / 60, "min"),
    ):
        note = "not published" if not np.isfinite(published) else f"published {published:,.1f} {unit}"
        cells.append((f"  {what} (flown)", f"{model:,.1f} {unit}", note))
    cells += [
        (
            "  burnout on the test",
            f"{got.burnout_speed_mps / 1e3:.2f} km/s",
            f"at {got.burnout_altitude_m / 1e3:,.0f} km, {got.burnout_time_s:.0f} s (inertial speed)",
        ),
        (
            "[bold]flown equivalent range[/]",
            f"[bold]{reach.range_m / 1e3:,.0f} km[/]",
            f"full burn, best final pitch, azimuth {target_azimuth_deg:.0f}°; drag, J2, rotating Earth",
        ),
        (
            "  burnout on it",
            f"{b.burnout_speed[0] / 1e3:.2f} km/s",
            f"at {b.burnout_altitude_m[0] / 1e3:,.0f} km; flight {reach.flight_time_s / 60:.1f} min",
        ),
        (
            "  delta-v lost",
            f"{b.losses[0]:,.0f} m/s",
            f"gravity {b.gravity[0]:,.0f}, drag {b.drag[0]:,.0f}, "
            f"steering {b.steering[0]:,.0f} of an ideal {b.ideal[0]:,.0f}",
        ),
        (
            "same-burnout-speed bound",
            f"{bound.equivalent_range_m / 1e3:,.0f} km",
            f"the test's burnout speed {bound.burnout_speed_mps / 1e3:.2f} km/s (Earth-relative) at "
            f"{got.burnout_altitude_m / 1e3:,.0f} km, flown flat",
        ),
    ]
    if flight.rerange_km is not None:
        c = Comparison("published", "km", reach.range_m / 1e3, *flight.rerange_km)
        band = f"≥ {c.low:,.0f}" if np.isinf(c.high) else f"{c.low:,.0f}–{c.high:,.0f}"
        where = "in the band" if c.off_band == 0.0 else f"{c.off_band:+.0%} off the band"
        cells.append(("published estimate", f"{band} km", f"flown figure {where}; {flight.rerange_source}"))
    title = f"Re-ranging {flight.name} with a flown {d.name}"
    console.print(table(_COLUMNS, cells, title=title, left=("quantity", "note")))
    if reach.range_m > 19_000e3:
        console.print(
            "The fitted missile reaches (nearly) any point on Earth: a great-circle range cannot exceed "
            "~20,000 km, so the figure is a global reach, not a longer range.",
            highlight=False,
        )
    console.print(
        "Why the two figures differ: climbing almost vertically, the test lost about g per second of burn to "
        f"gravity; on the standard trajectory the same missile loses {b.gravity[0]:,.0f} m/s to gravity and burns "
        f"out {b.burnout_speed[0] / 1e3 - got.burnout_speed_mps / 1e3:+.2f} km/s faster. The fit assumes the test "
        "burned to depletion and that the catalogue's stage split and Isp hold; the payload and burn time are what "
        "the test fixes, nothing else.",
        highlight=False,
    )
