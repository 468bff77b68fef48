"""Sensors: turn truth (trajectories) into detections; space infrared layers (space_ir) and their presets."""
