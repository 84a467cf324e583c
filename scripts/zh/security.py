"""Simplified Chinese for the security hardening (issue 12, part B)."""

ZH = {
    "Show the full ID numbers": "查看完整身份证号码",
}
