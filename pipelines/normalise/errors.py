"""The one error base class for values that fail a rule: a `problem` for a person, and a `suggestion` (how to
write the value instead) where one exists. Rejected rows carry both (rejected_rows.reason, .suggestion)."""

from __future__ import annotations

_DEFAULT = object()


class InputError(ValueError):
    """A value that fails a rule. Subclasses set `default_suggestion` (used when none is passed; pass None
    for no suggestion) and `shows_suggestion` (whether str() appends it: 'problem; suggestion')."""

    default_suggestion: str | None = None
    shows_suggestion: bool = True

    def __init__(self, problem: str, suggestion: str | None = _DEFAULT) -> None:  # type: ignore[assignment]
        suggestion = self.default_suggestion if suggestion is _DEFAULT else suggestion
        joined = f"{problem}; {suggestion}" if suggestion and self.shows_suggestion else problem
        super().__init__(joined)
        self.problem = problem
        self.suggestion = suggestion
