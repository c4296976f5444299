"""Consumer lag: offsets, status rules, time lag, metrics and the dashboard's data."""
