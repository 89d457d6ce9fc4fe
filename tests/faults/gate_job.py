"""A job for the worker-kill test, run by a real worker process: it stops at a gate (a file the
test holds closed) so the test can kill the worker in the middle of it, then posts one charge.
Like every job it is idempotent: a second run finds the charge and does nothing."""

from __future__ import annotations

import time
from pathlib import Path

from core import ledger

SOURCE = "tests:gate-job"
MAX_WAIT = 60  # seconds: a test that never opens the gate still ends


def charge_after_gate(debtor_id: int, creditor_id: int, gate: str) -> None:
    gate_dir = Path(gate)
    (gate_dir / "started").touch()
    until = time.monotonic() + MAX_WAIT
    while (gate_dir / "closed").exists() and time.monotonic() < until:
        time.sleep(0.05)
    if not ledger.charges_of(SOURCE):
        ledger.post_charge(debtor_id, creditor_id, "25.00", "Job stopped at a gate", SOURCE)
