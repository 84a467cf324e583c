"""Assistance: applications on a signed commitment, economic verification, decisions,
benefits, payments and pushes to other departments (issue 17). The policy rules themselves
live in :mod:`doudi.rules` (plain Python, no Django)."""
