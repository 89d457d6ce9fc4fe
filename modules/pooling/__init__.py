"""Pooling: booking the network's shared equipment and buying together."""
