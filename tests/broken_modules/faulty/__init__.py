"""A module whose every hook raises: the platform must leave it out and go on."""
