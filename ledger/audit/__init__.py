"""Audit (稽核与监督; E ch.11, R ch.8): corrections that erase nothing (AUD-2)."""
