"""Contributions (申报核定, 缴费; E ch.3, ch.4): bases, assessment, receipts, deferral, staff changes, months
(CON-1..CON-9, MON-1..MON-3)."""
