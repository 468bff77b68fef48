"""The trial loop composing the layers; Monte Carlo runners come later."""
