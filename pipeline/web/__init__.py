"""The worker's own pages: /metrics, /lag.json and the live /dashboard (no CDN: files in static/)."""
