"""The resident scheme (城乡居民; R): hukou registration, annual payment, hardship groups, facility signing
(RES-1..RES-7, WAIT-8)."""
