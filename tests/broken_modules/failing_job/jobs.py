"""A job that never succeeds."""


def always_fails() -> None:
    raise RuntimeError("this job always fails")
