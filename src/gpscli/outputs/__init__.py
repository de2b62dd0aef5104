"""Writers for the aggregate (json, csv, xlsx) and the shared atomic-write helper."""
