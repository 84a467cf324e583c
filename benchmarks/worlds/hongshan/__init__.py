"""World D (hongshan): an independent synthetic district for the cross-world report (issue 16).
See README.md for how hardship arises in it."""
