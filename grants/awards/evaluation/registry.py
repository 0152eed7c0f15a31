"""What an evaluation case evaluates is told by the app that owns it (grants' awards, or a higher
app such as service purchasing), registered here in that app's `AppConfig.ready()`.

A kind says who acts as the purchaser and who manages the case, what must hold before it is
published, and what happens once it is graded (`on_evaluation_graded`): the award's final tranche,
a contract's final instalment and its renewal gate.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


def _nobody(user, case) -> bool:
    return False


def _no_problems(*, case) -> list[str]:
    return []


@dataclass(frozen=True)
class SubjectKind:
    kind: str
    is_purchaser: Callable = _nobody
    is_manager: Callable = _nobody
    publish_problems: Callable = _no_problems
    subject_url: Callable | None = None
    graded: list = field(default_factory=list)


_KINDS: dict[str, SubjectKind] = {}


def register_subject_kind(
    kind: str, *, is_purchaser, is_manager, publish_problems=None, subject_url=None
) -> SubjectKind:
    """Register (or replace) a kind of case; handlers registered before are kept."""
    previous = _KINDS.get(kind)
    entry = SubjectKind(
        kind=kind,
        is_purchaser=is_purchaser,
        is_manager=is_manager,
        publish_problems=publish_problems or _no_problems,
        subject_url=subject_url,
        graded=previous.graded if previous else [],
    )
    _KINDS[kind] = entry
    return entry


def kind_of(case) -> SubjectKind:
    """The registered kind of `case`; an unknown kind lets nobody act."""
    return _KINDS.get(case.kind) or SubjectKind(kind=case.kind)


def on_evaluation_graded(handler: Callable, *, kind: str) -> Callable:
    """`handler(case=...)` runs inside the publishing transaction once the case of `kind` is graded."""
    entry = _KINDS.get(kind)
    if entry is None:
        entry = _KINDS[kind] = SubjectKind(kind=kind)
    if handler not in entry.graded:
        entry.graded.append(handler)
    return handler


def graded_handlers(case) -> list[Callable]:
    return list(kind_of(case).graded)
