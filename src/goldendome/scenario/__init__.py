"""Everything a user writes down, validated: scenario models (pydantic), YAML/TOML loading, built-in scenarios and
studies, JSON Schema export, and the schema of every study file (sizing and coverage in :mod:`.study`; the cost study
in :mod:`.cost_study` with its ``schedule:`` (:mod:`.deployment`), ``sharing:`` (:mod:`.sharing`) and
``effectiveness:`` (:mod:`.effectiveness`) sections), all on one strict base (:mod:`.base`). The reference tables the
files are checked against sit here too: places, launch vehicles, the price index, cost presets, partner countries."""
