"""naba benchmarks: `make bench` (= `python -m benchmarks.run`). Results are JSON in benchmarks/results/."""
