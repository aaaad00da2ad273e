"""Controlled vocabularies of the input formats, with the synonyms people actually write."""

from __future__ import annotations

import re

EXPECTATION_KINDS = ("target", "guidance", "consensus", "projection", "budget")
ACTUAL_KINDS = ("actual", "estimate")

KINDS = {k: k for k in ACTUAL_KINDS + EXPECTATION_KINDS} | {
    "reported": "actual",
    "actuals": "actual",
    "est": "estimate",
    "estimated": "estimate",
    "goal": "target",
    "forecast": "projection",
    "projected": "projection",
    "plan": "budget",
    "outlook": "guidance",
}
BOUNDS = {
    "exact": "exact",
    "approx": "approx",
    "approximately": "approx",
    "about": "approx",
    "around": "approx",
    "circa": "approx",
    "~": "approx",
    "at_least": "at_least",
    "min": "at_least",
    "minimum": "at_least",
    "more_than": "at_least",
    ">": "at_least",
    ">=": "at_least",
    "lower_bound": "at_least",
    "at_most": "at_most",
    "max": "at_most",
    "maximum": "at_most",
    "less_than": "at_most",
    "under": "at_most",
    "<": "at_most",
    "<=": "at_most",
    "upper_bound": "at_most",
}
DIRECTIONS = {
    "below": "below",
    "miss": "below",
    "missed": "below",
    "short": "below",
    "under": "below",
    "in_line": "in_line",
    "inline": "in_line",
    "met": "in_line",
    "on_target": "in_line",
    "above": "above",
    "beat": "above",
    "exceeded": "above",
    "over": "above",
}
RELIABILITY = {
    "filing": "filing",
    "company": "company",
    "official": "company",
    "press": "press",
    "news": "press",
    "leak": "leak",
    "leaked": "leak",
    "third_party_estimate": "third_party_estimate",
    "estimate": "third_party_estimate",
    "analyst_consensus": "analyst_consensus",
    "consensus": "analyst_consensus",
    "internal": "internal",
}
EVENT_STATUSES = {
    "announced": "announced",
    "effective": "effective",
    "expected": "expected",
    "overturned": "overturned",
    "in_force": "effective",
    "pending": "expected",
}
EVENT_CATEGORIES = {
    "law": "law",
    "legislation": "law",
    "litigation": "litigation",
    "lawsuit": "litigation",
    "ruling": "ruling",
    "court_ruling": "ruling",
    "decision": "ruling",
    "regulation": "regulation",
    "order": "order",
    "ban": "ban",
    "market_exit": "market_exit",
    "exit": "market_exit",
    "other": "other",
}


def key(text: str) -> str:
    """'At least' -> 'at_least', 'Third-party estimate' -> 'third_party_estimate'; symbols kept."""
    text = text.strip().lower()
    if re.fullmatch(r"[<>=~]+", text):
        return text
    return re.sub(r"[^0-9a-z]+", "_", text).strip("_")


def metric_id(text: str) -> str:
    """'Ad revenue' -> 'ad_revenue', 'GMV' -> 'gmv'."""
    return key(text)
