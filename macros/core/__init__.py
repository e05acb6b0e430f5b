"""core: read and check. Values, dates, diagnostics, the YAML source, the schema, the tier
table and the rules; imports nothing of the handbook above it."""
