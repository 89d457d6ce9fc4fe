"""A module whose dashboard hook is slow: reported to admins, never cut short."""
