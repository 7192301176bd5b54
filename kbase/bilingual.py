"""Pair the English and Chinese answers section by section for the side-by-side view.

Answers share their structure: bold lead-ins open each section (**Short answer.** / **简答：**,
**Mechanism** / **机制**, **Pitfalls** / **容易踩的坑**, **Likely follow-ups** / **可能的追问**).
Rendered, a lead-in is a top-level paragraph starting with <strong>; splitting both answers there
gives rows whose two cells start at the same height.
"""

import re

# A top-level paragraph that opens with bold text (a paragraph inside a list item is not a lead-in).
_LEAD_IN = re.compile(r"(?:^|(?<=\n))(?<!<li>\n)<p><strong>([^<]*)</strong>")

# Sections every answer may have, by the words their lead-ins start with in each language.
_ANCHORS = [
    ("short", ("short answer",), ("简答",)),
    ("mechanism", ("mechanism", "how it works"), ("机制", "原理")),
    ("pitfalls", ("pitfall",), ("容易踩的坑", "坑", "常见误区")),
    ("follow-ups", ("likely follow-up", "follow-up"), ("可能的追问", "面试官可能追问", "追问")),
]


def split_sections(html):
    """[(lead-in text, html)] for each section; text before the first lead-in is a section of its own."""
    starts = [match.start() for match in _LEAD_IN.finditer(html)]
    leads = [match.group(1) for match in _LEAD_IN.finditer(html)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
        leads.insert(0, "")
    bounds = [*starts, len(html)]
    return [(lead, html[bounds[i]:bounds[i + 1]].strip()) for i, lead in enumerate(leads) if html[bounds[i]:bounds[i + 1]].strip()]


def _anchor(lead, language):
    lead = lead.strip().lower()
    for key, english, chinese in _ANCHORS:
        if lead.startswith(english if language == "en" else chinese):
            return key
    return None


def _group_by_anchor(sections, language):
    """Merge sections into groups that each start at a known anchor: [(anchor or None, html)]."""
    groups = []
    for lead, html in sections:
        key = _anchor(lead, language)
        if key or not groups:
            groups.append([key, html])
        else:
            groups[-1][1] += "\n" + html
    return [tuple(group) for group in groups]


def aligned_sections(en_html, zh_html):
    """[(english html, chinese html)] rows to show side by side, the same section in one row."""
    en, zh = split_sections(en_html), split_sections(zh_html)
    if len(en) == len(zh):
        return [(e, z) for (_, e), (_, z) in zip(en, zh, strict=True)]
    en_groups, zh_groups = _group_by_anchor(en, "en"), _group_by_anchor(zh, "zh")
    if [key for key, _ in en_groups] == [key for key, _ in zh_groups]:
        return [(e, z) for (_, e), (_, z) in zip(en_groups, zh_groups, strict=True)]
    return [(en_html, zh_html)]
