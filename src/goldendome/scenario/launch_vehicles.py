"""Launch vehicles: the shipped catalogue, the payload each puts into a circular low Earth orbit, and how many
satellites one launch carries there.

A launcher puts ``m_pl`` kg into its reference orbit. To another circular orbit its last stage must add the delta-v
of :func:`goldendome.physics.transfer.insertion_delta_v_mps` (Hohmann raise, lost Earth-rotation credit, any plane
change), and the rocket equation of that stage (dry mass m_d, propellant m_p, exhaust speed v_e = g0 Isp) gives the
payload it can still carry: with R_ref = (m_pl + m_d + m_p) / (m_pl + m_d) at the reference,

    R = R_ref exp(dv / v_e),      m_pl' = m_p / (R - 1) - m_d.

Charging all the extra delta-v to the last stage ignores that a lighter payload lets the lower stages go faster:
the estimate is slightly pessimistic (it gives Falcon 9's 16.7 t Starlink record to 53 deg within ~3 %).
Then ``satellites per launch = floor(m_pl' / (m_sat (1 + dispenser fraction)))``, capped by any packing limit.

Vehicle numbers and their sources: ``scenario/data/launch_vehicles.yaml``. The catalogue sits at the scenario
layer because a deployment plan (:class:`goldendome.scenario.deployment.DeploymentPlan`) checks its vehicle names
and that a satellite fits when the study file is validated.
"""

from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import yaml

from goldendome.lookup import entry
from goldendome.physics.constants import DEG, G0_M_S2, WGS84_A_M
from goldendome.physics.transfer import insertion_delta_v_mps
from goldendome.scenario.models import MIN_ORBIT_ALTITUDE_KM

DISPENSER_FRACTION = 0.05
"""ASSUMPTION: the dispenser, adapters and separation hardware weigh ~5 % of the satellites they carry (no public
figure for an SBI dispenser; Starlink stacks fly with almost none, so the Starlink check uses 0)."""

MAX_ORBIT_ALTITUDE_KM = 2000.0
"""Upper edge of low Earth orbit; the payload model (reference LEO figures) is not meant beyond it."""


@dataclass(frozen=True)
class LaunchVehicle:
    """A launcher as a deployment schedule sees it: payload to a reference orbit and how it falls for others, a
    packing limit, a price, and the launches a year this programme can have; with the source of every number.

    SI inside (m, rad, kg, s); ``price_musd`` in US$ millions (year of its source); ``status`` is 'operational',
    'new' (flown a few times) or 'claim' (payload and cadence are a vendor's promise).
    """

    name: str
    description: str
    status: str
    payload_ref_kg: float
    ref_altitude_m: float
    ref_inclination_rad: float
    site_latitude_rad: float
    stage_dry_kg: float
    stage_propellant_kg: float
    stage_isp_s: float
    max_satellites_per_launch: int | None
    price_musd: float
    cadence_per_year: float
    cadence_record: str = ""
    sources: tuple[str, ...] = ()

    def payload_kg(self, altitude_km, inclination_deg):
        """Payload (kg) to circular orbits at altitude_km and inclination_deg; see :func:`payload_kg`."""
        return payload_kg(self, altitude_km, inclination_deg)


@cache
def load_launch_vehicles() -> dict[str, LaunchVehicle]:
    """The shipped launch-vehicle catalogue (scenario/data/launch_vehicles.yaml), by name."""
    text = resources.files("goldendome.scenario").joinpath("data/launch_vehicles.yaml").read_text()
    out = {}
    for name, d in yaml.safe_load(text)["launch_vehicles"].items():
        st = d["upper_stage"]
        cap = d.get("max_satellites_per_launch")
        out[name] = LaunchVehicle(
            name=name,
            description=d["description"],
            status=d["status"],
            payload_ref_kg=float(d["payload_kg"]),
            ref_altitude_m=float(d["reference_altitude_km"]) * 1e3,
            ref_inclination_rad=float(d["reference_inclination_deg"]) * DEG,
            site_latitude_rad=abs(float(d["site_latitude_deg"])) * DEG,
            stage_dry_kg=float(st["dry_kg"]),
            stage_propellant_kg=float(st["propellant_kg"]),
            stage_isp_s=float(st["isp_s"]),
            max_satellites_per_launch=None if cap is None else int(cap),
            price_musd=float(d["price_musd"]),
            cadence_per_year=float(d["cadence_per_year"]),
            cadence_record=str(d.get("cadence_record", "")),
            sources=tuple(d.get("sources", ())),
        )
    return out


def launch_vehicle(name: str) -> LaunchVehicle:
    """A vehicle of the catalogue; KeyError lists the names there are."""
    return entry(load_launch_vehicles(), name, "launch vehicle")


def _vehicle(v: "LaunchVehicle | str") -> LaunchVehicle:
    return launch_vehicle(v) if isinstance(v, str) else v


def insertion_penalty_mps(vehicle: "LaunchVehicle | str", altitude_m, inclination_rad):
    """Extra delta-v (m/s) the vehicle's last stage must give to reach circular orbits (altitude_m,
    inclination_rad) instead of its reference orbit: :func:`goldendome.physics.transfer.insertion_delta_v_mps`
    from the vehicle's reference orbit and launch site."""
    v = _vehicle(vehicle)
    r = WGS84_A_M + np.asarray(altitude_m, float)
    return insertion_delta_v_mps(
        WGS84_A_M + v.ref_altitude_m, v.ref_inclination_rad, v.site_latitude_rad, r, inclination_rad
    )


def payload_kg(vehicle: "LaunchVehicle | str", altitude_km, inclination_deg):
    """Payload (kg) a vehicle puts into circular orbits at altitude_km, inclination_deg (scalars or arrays).

    The last stage's rocket equation absorbs the extra delta-v of :func:`insertion_penalty_mps`:
    R = R_ref exp(dv / v_e), m_pl = m_p / (R - 1) - m_d; 0 where nothing is left. Float for scalar input.
    """
    v = _vehicle(vehicle)
    dv = insertion_penalty_mps(v, np.asarray(altitude_km, float) * 1e3, np.asarray(inclination_deg, float) * DEG)
    m_d, m_p, m_pl = v.stage_dry_kg, v.stage_propellant_kg, v.payload_ref_kg
    v_e = G0_M_S2 * v.stage_isp_s
    r_ref = (m_pl + m_d + m_p) / (m_pl + m_d)
    ratio = np.maximum(r_ref * np.exp(dv / v_e), 1.0 + 1e-12)
    out = np.maximum(m_p / (ratio - 1.0) - m_d, 0.0)
    return float(out) if out.ndim == 0 else out


def satellites_per_launch(
    vehicle: "LaunchVehicle | str",
    sat_mass_kg,
    altitude_km,
    inclination_deg,
    dispenser_fraction: float = DISPENSER_FRACTION,
    max_per_launch: int | None = None,
):
    """How many satellites one launch carries: floor(payload / (sat mass x (1 + dispenser fraction))), capped by the
    vehicle's packing limit and max_per_launch.

    sat_mass_kg : satellite mass, kg; altitude_km, inclination_deg : target circular orbit (scalars or arrays).
    A scalar question gets an int, and a ValueError when not even one satellite fits; arrays get an int array with
    0 where none fits (a batch does not stop at its first impossible point). Bad inputs raise ValueError naming the
    argument.
    """
    m = np.asarray(sat_mass_kg, float)
    h = np.asarray(altitude_km, float)
    inc = np.asarray(inclination_deg, float)
    if not np.all(np.isfinite(m)) or np.any(m <= 0):
        raise ValueError(f"sat_mass_kg: must be a positive mass in kg, got {sat_mass_kg!r}")
    if not 0.0 <= dispenser_fraction < 1.0:
        raise ValueError(f"dispenser_fraction: must be in [0, 1), got {dispenser_fraction!r}")
    if not np.all(np.isfinite(h)) or np.any(h < MIN_ORBIT_ALTITUDE_KM) or np.any(h > MAX_ORBIT_ALTITUDE_KM):
        raise ValueError(
            f"altitude_km: must be between {MIN_ORBIT_ALTITUDE_KM:g} and {MAX_ORBIT_ALTITUDE_KM:g} km "
            f"(low Earth orbit), got {altitude_km!r}"
        )
    if not np.all(np.isfinite(inc)) or np.any(inc < 0) or np.any(inc > 180):
        raise ValueError(f"inclination_deg: must be between 0 and 180 deg, got {inclination_deg!r}")
    if max_per_launch is not None and max_per_launch < 1:
        raise ValueError(f"max_per_launch: must be at least 1, got {max_per_launch!r}")
    v = _vehicle(vehicle)
    pay = np.asarray(payload_kg(v, h, inc), float)
    unit = m * (1.0 + dispenser_fraction)
    n = np.floor(pay / unit + 1e-9).astype(np.int64)  # 1e-9: 21.9999999 satellites is 22
    for cap in (v.max_satellites_per_launch, max_per_launch):
        if cap is not None:
            n = np.minimum(n, cap)
    if n.ndim == 0:
        if n == 0:
            raise ValueError(
                f"sat_mass_kg: a {float(unit):,.0f} kg satellite ({float(m):,.0f} kg + {dispenser_fraction:.0%} "
                f"dispenser share) is heavier than {v.name}'s {float(pay):,.0f} kg payload to "
                f"{float(h):g} km, {float(inc):g} deg"
            )
        return int(n)
    return n
