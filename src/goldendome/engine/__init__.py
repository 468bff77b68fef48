"""The engine: one trial (truth, sensors, tracking and the battle loop) and the Monte Carlo runner over many."""
