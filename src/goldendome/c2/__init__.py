"""Battle management: threat evaluation, impact prediction, defended assets, weapon-target assignment."""
