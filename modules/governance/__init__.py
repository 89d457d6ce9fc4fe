"""Governance: bodies, meetings, online votes with quorum and proxies, the shared-needs board."""
