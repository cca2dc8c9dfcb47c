"""Special refunds (特殊退费; E ch.9, R18-R19): REF-1..REF-3."""
