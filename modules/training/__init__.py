"""Training: courses, trainers, sessions with seats and a FIFO waiting list, attendance per
half-day, certificates, surveys, and the trainer's fee split through the ledger."""
