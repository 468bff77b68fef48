"""Build the package's offline basemap (src/goldendome/io/data/basemap_110m.npz) from Natural Earth's 1:110m
admin-0 countries, as geopandas 0.14.4 ships them (geopandas/datasets/naturalearth_lowres/*.shp, *.dbf).

Natural Earth is in the public domain ("No permission is needed to use Natural Earth", naturalearthdata.com terms
of use); geopandas (BSD-3) redistributes the 110m countries unchanged in its wheel, which PyPI serves. Run once:

    pip download --no-deps geopandas==0.14.4 -d /tmp/gpd
    python bench/make_basemap.py /tmp/gpd/geopandas-0.14.4-py3-none-any.whl

The shapefile is read here with the standard library (ESRI Shapefile Technical Description, July 1998: a 100-byte
header, then records of a big-endian header and a little-endian Polygon shape, type 5, of parts and x, y points;
dBASE III attributes), so nothing beyond numpy is needed. Written: every ring of every country as lon, lat
(degrees, float32) with ring offsets, the ring's country, and each country's name, ISO A3 code and continent.
"""

import argparse
import io
import struct
import zipfile
from pathlib import Path

import numpy as np

MEMBER = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"
OUT = Path(__file__).resolve().parents[1] / "src" / "goldendome" / "io" / "data" / "basemap_110m.npz"


def read_shp(data: bytes) -> list[list[np.ndarray]]:
    """Each record's rings as (n, 2) arrays of x (lon), y (lat); Polygon (5) shapes only."""
    code, length_words = struct.unpack(">i20xi", data[:28])
    if code != 9994:
        raise ValueError(f"not a shapefile (file code {code}, expected 9994)")
    end, pos, records = 2 * length_words, 100, []
    while pos < end:
        _, content_words = struct.unpack(">ii", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + 2 * content_words]
        pos += 8 + 2 * content_words
        (shape_type,) = struct.unpack("<i", body[:4])
        if shape_type == 0:
            records.append([])
            continue
        if shape_type != 5:
            raise ValueError(f"shape type {shape_type}: only polygons (5) are expected in the countries file")
        n_parts, n_points = struct.unpack("<ii", body[36:44])
        parts = np.frombuffer(body, "<i4", n_parts, 44)
        points = np.frombuffer(body, "<f8", 2 * n_points, 44 + 4 * n_parts).reshape(n_points, 2)
        bounds = [*parts.tolist(), n_points]
        records.append([points[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)])
    return records


def read_dbf(data: bytes) -> list[dict[str, str]]:
    """The attribute rows of a dBASE III table, every field as stripped text."""
    n_records, header_len, record_len = struct.unpack("<xxxxIHH", data[:12])
    fields, pos = [], 32
    while data[pos] != 0x0D:
        name = data[pos : pos + 11].split(b"\0", 1)[0].decode("ascii")
        fields.append((name, data[pos + 16]))
        pos += 32
    rows = []
    for k in range(n_records):
        rec = data[header_len + k * record_len : header_len + (k + 1) * record_len]
        row, at = {}, 1  # byte 0: the deletion flag
        for name, width in fields:
            row[name] = rec[at : at + width].decode("utf-8", "replace").strip()
            at += width
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wheel", type=Path, help="geopandas-0.14.4-py3-none-any.whl (pip download --no-deps)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with zipfile.ZipFile(args.wheel) as z:
        shp = z.read(MEMBER + ".shp")
        dbf = z.read(MEMBER + ".dbf")
    shapes, attrs = read_shp(shp), read_dbf(dbf)
    if len(shapes) != len(attrs):
        raise ValueError(f"{len(shapes)} shapes but {len(attrs)} attribute rows")
    lon, lat, offsets, owner = [], [], [0], []
    for k, rings in enumerate(shapes):
        for ring in rings:
            lon.append(ring[:, 0])
            lat.append(ring[:, 1])
            offsets.append(offsets[-1] + len(ring))
            owner.append(k)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    np.savez_compressed(
        buf,
        lon_deg=np.concatenate(lon).astype(np.float32),
        lat_deg=np.concatenate(lat).astype(np.float32),
        ring_offsets=np.asarray(offsets, np.int32),
        ring_country=np.asarray(owner, np.int16),
        country_name=np.asarray([a["name"] for a in attrs]),
        country_iso_a3=np.asarray([a["iso_a3"] for a in attrs]),
        country_continent=np.asarray([a["continent"] for a in attrs]),
        source=np.asarray(
            "Natural Earth 1:110m Cultural Vectors, Admin 0 - Countries (public domain), as shipped in "
            "geopandas 0.14.4 (geopandas/datasets/naturalearth_lowres); bench/make_basemap.py"
        ),
    )
    args.out.write_bytes(buf.getvalue())
    print(
        f"{args.out}: {len(attrs)} countries, {len(owner)} rings, {offsets[-1]:,} points, {len(buf.getvalue()):,} bytes"
    )


if __name__ == "__main__":
    main()
