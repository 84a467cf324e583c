"""Simplified Chinese for the calibrated probability of hardship on the warning page (issue 16)."""

ZH = {
    "Probability of hardship": "困难可能性",
    "less than one in ten": "不到一成可能",
    "about one in ten": "约一成可能",
    "about two in ten": "约两成可能",
    "about three in ten": "约三成可能",
    "about four in ten": "约四成可能",
    "about five in ten": "约五成可能",
    "about six in ten": "约六成可能",
    "about seven in ten": "约七成可能",
    "about eight in ten": "约八成可能",
    "about nine in ten": "约九成可能",
    "almost certain": "几乎可以肯定",
}
