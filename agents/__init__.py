"""The Faust agents: thin loops that move bytes through the pure stages of pipeline.stages."""
