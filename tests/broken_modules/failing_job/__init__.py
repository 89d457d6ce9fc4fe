"""A module whose scheduled job always fails: other modules' jobs must run regardless."""
