"""Distances and bearings over the Earth's surface, on the sphere of mean radius.

Missile ranges in public studies are great-circle ground ranges on a spherical Earth; we use the WGS-84 mean radius
R1 = 6371.0088 km. Against the ellipsoidal geodesic (Karney 2013) this differs by at most ~0.5 %, well below the
uncertainty of any published range. Latitudes are treated as geocentric on this sphere.
"""

import numpy as np

from goldendome.physics.constants import R_EARTH_MEAN_M


def central_angle(lat1_rad, lon1_rad, lat2_rad, lon2_rad):
    """Angle (rad) at the Earth's centre between two surface points (haversine form, stable for short arcs)."""
    dlat = lat2_rad - lat1_rad
    dlon = lon2_rad - lon1_rad
    h = np.sin(dlat / 2) ** 2 + np.cos(lat1_rad) * np.cos(lat2_rad) * np.sin(dlon / 2) ** 2
    return 2.0 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def ground_range_m(lat1_rad, lon1_rad, lat2_rad, lon2_rad):
    """Great-circle distance (m) between surface points on the mean-radius sphere."""
    return R_EARTH_MEAN_M * central_angle(lat1_rad, lon1_rad, lat2_rad, lon2_rad)


def initial_azimuth(lat1_rad, lon1_rad, lat2_rad, lon2_rad):
    """Initial great-circle azimuth (rad, clockwise from north, in [0, 2 pi)) from point 1 towards point 2."""
    dlon = lon2_rad - lon1_rad
    y = np.sin(dlon) * np.cos(lat2_rad)
    x = np.cos(lat1_rad) * np.sin(lat2_rad) - np.sin(lat1_rad) * np.cos(lat2_rad) * np.cos(dlon)
    az = np.mod(np.arctan2(y, x), 2.0 * np.pi)
    return np.where(az >= 2.0 * np.pi, 0.0, az)  # mod of a tiny negative angle rounds up to 2 pi


def destination(lat_rad, lon_rad, azimuth_rad, angle_rad):
    """Surface point reached from (lat, lon) along a great circle of initial azimuth, after a central angle."""
    sl, cl = np.sin(lat_rad), np.cos(lat_rad)
    sa, ca = np.sin(angle_rad), np.cos(angle_rad)
    lat2 = np.arcsin(sl * ca + cl * sa * np.cos(azimuth_rad))
    lon2 = lon_rad + np.arctan2(np.sin(azimuth_rad) * sa * cl, ca - sl * np.sin(lat2))
    return lat2, np.mod(lon2 + np.pi, 2.0 * np.pi) - np.pi


def unit_vector(lat_rad, lon_rad):
    """Unit position vector(s) (..., 3) of points on the sphere, Earth-fixed axes."""
    cl = np.cos(lat_rad)
    return np.stack([cl * np.cos(lon_rad), cl * np.sin(lon_rad), np.sin(lat_rad)], axis=-1)
