"""The pooling domain: equipment booking (equipment, slots, booking, handover, search) and group
purchasing (purchases)."""
