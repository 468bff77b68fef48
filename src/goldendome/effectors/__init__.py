"""Interceptors: space-based boost-phase interceptors now; midcourse and terminal tiers later."""
