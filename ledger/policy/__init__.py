"""Section P: the policy book, where clerks publish new values of the parameters."""
