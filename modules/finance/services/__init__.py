"""The money workflow: statements, rounds, payments, invoices, dashboard and accounting exports."""
