"""Accounts' pure parts: password hashing, tokens and signatures, and the permission rules.

No database or web imports here: ``groundswell.actions.accounts`` stores what
these functions decide and ``groundswell.web.auth`` carries it over HTTP.
"""
