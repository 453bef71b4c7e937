"""A training run over time: the trainer, its history and probes, its health, what a
hidden layer does, and run files. NumPy only (plus the engine, the data and the config)."""
