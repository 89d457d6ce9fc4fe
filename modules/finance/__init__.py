"""The network's money workflow on top of core's ledger: each structure's statement, settlement
rounds, payments, invoices and credit notes, and the accounting exports (FEC, Paheko)."""
