"""Benefits (待遇): waiting periods, interruption, back-payment, the personal account, transfers, retirement
(WAIT-1..WAIT-9, ACC-1..ACC-4, TRF-1, RET-1)."""
