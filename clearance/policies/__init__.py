"""Policy presets shipped with Clearance, as TOML data the judge reads."""
