"""Registration (参保登记; E ch.2, R ch.2): persons and employers registered, changed, cancelled (REG-1..REG-6)."""
