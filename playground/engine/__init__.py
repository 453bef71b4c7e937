"""The network itself: activations, outputs and losses, initialisers, optimizers,
buffers, the MLP and a stack of MLPs. NumPy only: open this folder and you have the whole
network, forward pass, backward pass and update."""
