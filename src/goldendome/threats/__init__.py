"""Threat trajectory generators: ballistic missiles (this issue), later glide, FOBS, cruise, rockets."""
