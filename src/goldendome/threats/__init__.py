"""Threat trajectory generators: ballistic missiles (with their RVs and decoys), hypersonic glide vehicles,
fractional orbits (FOBS) and cruise missiles, all returning a :class:`~goldendome.threats.trajectory.Trajectory`;
the missile catalogue and its named missiles checked against published figures, and re-ranging of lofted tests."""
