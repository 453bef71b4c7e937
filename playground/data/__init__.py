"""Points to learn from: the toy datasets, the input features, your own points and
CSV files. NumPy only."""
