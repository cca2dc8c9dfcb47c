"""The national medical-security data standards (医疗保障信息业务编码标准) the ledger answers in.

`tables/` holds the platform's code tables as data, each with its sources, the date it applies from and its
provisional or local codes flagged; `codes` loads them, effective-dated like the policy defaults; `mapping` is the
one place where the ledger's own words (schemes, registration, interruption, hardship groups, insured area) become
those codes. The read side builds the interface documents from them (projections/exports.py).
"""
