"""Helpers every app may use, below the apps: a terminal progress bar, safe CSV downloads.

Imports point downward: ``common`` imports neither the apps nor ``web``.
"""
