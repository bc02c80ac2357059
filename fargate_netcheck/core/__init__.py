"""The shared vocabulary every stage speaks: the model, errors, tri-state verdicts, limits and settings."""
