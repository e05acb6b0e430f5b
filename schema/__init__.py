"""Package data: the plan format's Cerberus schema (read with importlib.resources)."""
