"""The message catalogs (`<lang>/LC_MESSAGES/yibao.po`, and `click.po` for click's own words) and the extractor
that finds what a person reads in the code (docs/translating.md)."""
