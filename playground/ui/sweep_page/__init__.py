"""The Sweep page: a grid of runs trained at once."""
