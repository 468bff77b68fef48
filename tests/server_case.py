"""The small defended scenarios the tests share: SMALL, the one the server tests post (one MRBM at Los Angeles
against one THAAD battery, about 2 s a trial), and SMALL_BATTLE, the command-line and report tests' battle."""

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

SMALL_BATTLE = """
name: small battle
epoch: 2026-07-04T12:00:00Z
duration_min: 15
seed: 4
threats:
  - {name: M1, missile: mrbm-solid-2stage, launch: {lat_deg: 35.0, lon_deg: -130.0}, aim: {name: los-angeles}}
  - {name: M2, missile: mrbm-solid-2stage, launch: {lat_deg: 36.0, lon_deg: -131.0}, aim: {name: san-francisco},
     launch_time_s: 20}
defence:
  tracks: truth
  decision_s: 5
  latency_s: 0
  doctrine: {shots: 1, looks: 0}
  batteries:
    - {name: thaad-la, interceptor: thaad, site: {name: los-angeles}, launchers: 1}
"""
"""M2 falls on San Francisco, which no battery covers (a leaker in every trial of the salvo of 2); M1 on Los Angeles
under one THAAD battery."""
