"""Scenario models (pydantic), YAML/TOML loading, built-in scenarios, JSON Schema export."""
