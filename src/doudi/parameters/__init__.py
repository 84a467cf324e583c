"""Area policy parameters for the assistance programmes (issue 17 item 1 and 8).

Dated, sourced values per area (低保 standards, 低边 multiplier, asset limits, 特困 standards,
临时救助 formula and delegated limits, consistency tolerances, the proof catalogue), edited safely:
amounts typed in 元 with the unit shown, plausible bounds, a side-by-side diff, an impact preview,
and a second person's approval for money parameters. `api.params_in_force(area, day)` gives the
plain `doudi.rules.PolicyParams` in force. Below the apps layer: it imports neither
monitoring nor assistance (assistance registers its impact preview in `preview`).
"""
