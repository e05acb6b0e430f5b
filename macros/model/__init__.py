"""model: what the plans mean (the handbook, readiness, tier gaps, staleness, the FAQ), built from
checked plans; never imports render or history."""
