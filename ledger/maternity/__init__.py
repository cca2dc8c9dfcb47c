"""Maternity (生育保险待遇; E ch.8): continuous months, claims, allowance, delivery, subsidies (MAT-1..MAT-5)."""
