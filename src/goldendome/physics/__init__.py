"""Physics core: constants, time and frames, gravity, atmosphere, orbits, integration.

This package imports nothing else of goldendome; every other package builds on it.
"""
