"""The small defended scenario the server tests post: one MRBM at Los Angeles against one THAAD battery, about
2 s a trial."""

SMALL = """
name: api run
epoch: 2026-07-04T12:00:00Z
duration_min: 15
seed: 4
threats:
  - {name: M1, missile: mrbm-solid-2stage, launch: {lat_deg: 35.0, lon_deg: -130.0}, aim: {name: los-angeles}}
defence:
  tracks: truth
  latency_s: 0
  batteries:
    - {name: thaad-la, interceptor: thaad, site: {name: los-angeles}, launchers: 1}
"""
