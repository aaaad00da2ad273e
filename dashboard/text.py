"""Text from the data shown as text: never as Markdown, images, links or Streamlit directives.

Titles, publishers, notes and names come from files anyone can drop in the inbox. Put into `st.markdown`,
`st.caption` or `st.subheader` as they are, `![x](https://tracker.example/p.png)` in a source title made every
viewer's browser fetch an outside image, and `[text](url)` could dress a link as anything. `md()` escapes every
Markdown and Streamlit-directive character (CommonMark allows a backslash before any ASCII punctuation), so
the value is shown exactly as written; `md_link()` makes a link only of an http(s) URL, with escaped text.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$=&\"'])")
_SAFE_URL = re.compile(r"^https?://[^\s()<>\[\]\"'`\\]+$")


def md(value: object) -> str:
    """`value` as Markdown text that renders literally (on one line); '' for None."""
    if value is None:
        return ""
    text = " ".join(str(value).split())  # line breaks in data would start new Markdown blocks
    return _SPECIAL.sub(r"\\\1", text)


def md_link(label: object, url: str | None) -> str:
    """A Markdown link with escaped text when `url` is a plain http(s) URL, else the escaped text alone."""
    if url and _SAFE_URL.match(url):
        return f"[{md(label)}]({url})"
    return md(label)
