"""Interceptors: space-based boost-phase interceptors (their reach before burnout, over a constellation and a day),
and the ground-, sea- and air-based layers from midcourse to short range (catalogue, fly-out, predicted intercept
points)."""
