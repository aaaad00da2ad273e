"""Text from the data shown as text: never as Markdown, images, links or Streamlit directives.

Titles, publishers, notes and names come from files anyone can drop in the inbox. Put into `st.markdown`,
`st.caption` or `st.subheader` as they are, `![x](https://tracker.example/p.png)` in a source title made every
viewer's browser fetch an outside image, and `[text](url)` could dress a link as anything. `md()` escapes every
Markdown and Streamlit-directive character (CommonMark allows a backslash before any ASCII punctuation), so
the value is shown exactly as written; `md_link()` makes a link only of an http(s) URL, with escaped text.

Escaping is not enough for a bare address: Streamlit's Markdown (GitHub's autolink extension) makes a link of
any `https://...`, `www.` or `name@host.tld` in text, escaped or not, so a value from the address bar
(`?versus=...`, issue 28) or from data could still draw a clickable link. `md()` puts an invisible WORD JOINER
(U+2060) inside each such pattern (`https:\u2060//`, `www\u2060.`, `\u2060@`): the text reads the same, nothing
becomes a link.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$=&\"'])")
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)
WORD_JOINER = "\u2060"
_SAFE_URL = re.compile(r"^https?://[^\s()<>\[\]\"'`\\]+$")


def md(value: object) -> str:
    """`value` as Markdown text that renders literally (on one line); '' for None."""
    if value is None:
        return ""
    text = " ".join(str(value).split())  # line breaks in data would start new Markdown blocks
    return _SPECIAL.sub(r"\\\1", _AUTOLINK.sub(WORD_JOINER, text))


def md_link(label: object, url: str | None) -> str:
    """A Markdown link with escaped text when `url` is a plain http(s) URL, else the escaped text alone."""
    if url and _SAFE_URL.match(url):
        return f"[{md(label)}]({url})"
    return md(label)


# The estimators' reasons name the CLI's options (`impact effect --controls`); on a page they name the
# page's own fields (the Impact page's sidebar), so no page tells a user to type a command-line flag.
CLI_TO_PAGE = {
    "(--controls, --include)": "(the sidebar's 'Control regions')",
    "(--controls)": "(the sidebar's 'Control regions')",
    "(--pre, --post)": "(the sidebar's 'Pre-event window' and 'Post-event window')",
    "(--exclude)": "(left out when the estimate was asked for)",
    "; pass --entity": "; choose one under 'Entity'",
    "--pre '": "the 'Pre-event window' '",
    "--post '": "the 'Post-event window' '",
}


def page_words(reason: str | None) -> str:
    """An estimator's reason as a page says it: the CLI options in CLI_TO_PAGE replaced by the page's fields
    ('Name controls explicitly (--controls, --include)' -> '... (the sidebar's 'Control regions')')."""
    text = reason or ""
    for cli, page in CLI_TO_PAGE.items():
        text = text.replace(cli, page)
    return text
