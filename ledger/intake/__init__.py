"""The edge: what clerks type and the files they hand in, validated before anything reaches the store."""
