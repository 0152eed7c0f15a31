"""No audit code reaches a screen: every verb recorded anywhere has a label in both languages,
every state a registered verb carries reads as its status label, refusals name labels, and
field paths read as words."""

import re
from pathlib import Path

import pytest
from django.db.models import Choices
from django.utils import translation

from core import audit
from core.labels import field_path_label
from core.transitions import TransitionNotAllowed, check_transition
from grants.awards.services import REPORT_TRANSITIONS
from grants.calls.snapshot import field_label
from grants.payments.services import TRANSITIONS as PAYMENT_TRANSITIONS
from incubator.services.incubation import TRANSITIONS as INCUBATION_TRANSITIONS

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("core", "accounts", "incubator", "grants", "cms", "home")
CJK = re.compile(r"[\u4e00-\u9fff]")
VERB = re.compile(r"""["']([a-z_]+\.[a-z_]+)["']""")
DYNAMIC_VERB = re.compile(r"""verb=f["']([a-z_]+)\.\{""")
# Verbs built from a state ("report.{target}"): every state the lifecycle's table can reach.
DYNAMIC_STATES = {
    "report": {state for targets in REPORT_TRANSITIONS.values() for state in targets} - {"draft", "submitted"},
    "incubation": {state for targets in INCUBATION_TRANSITIONS.values() for state in targets},
}


def product_sources():
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def recorded_verbs() -> set[str]:
    """Every verb passed to record_event in the product: literals on a line that names a verb
    (``verb="payment.sent"``, ``verb=... if ... else ...``, ``_decision(STATE, "application.x")``)
    and the verbs built from states."""
    verbs, dynamic = set(), set()
    for path in product_sources():
        for line in path.read_text().splitlines():
            if "verb" in line or "_decision(" in line:
                verbs.update(VERB.findall(line))
            dynamic.update(DYNAMIC_VERB.findall(line))
    assert dynamic == set(DYNAMIC_STATES), f"new verbs built from states: {dynamic - set(DYNAMIC_STATES)}"
    for prefix, states in DYNAMIC_STATES.items():
        verbs.update(f"{prefix}.{state}" for state in states)
    return verbs


def test_the_source_walk_finds_the_verbs_of_every_app():
    verbs = recorded_verbs()
    for verb in ("payment.scheduled", "application.review_started", "report.accepted", "incubation.hatched"):
        assert verb in verbs
    assert len(verbs) > 90


def test_every_recorded_verb_has_a_label_in_english_and_chinese():
    unlabelled = sorted(recorded_verbs() - audit.registered_verbs())
    assert not unlabelled, f"verbs without a label (core.audit.register_verbs): {unlabelled}"
    problems = []
    for verb in sorted(recorded_verbs()):
        with translation.override("en"):
            english = audit.verb_label(verb)
        with translation.override("zh-hans"):
            chinese = audit.verb_label(verb)
        if "." in english or "_" in english:
            problems.append(f"{verb}: English label {english!r}")
        if not CJK.search(chinese):
            problems.append(f"{verb}: no Chinese label ({chinese!r})")
    assert not problems, "\n".join(problems)


def test_a_verb_nobody_labelled_reads_as_words_not_as_its_code():
    assert audit.verb_label("payment.transfer_went_missing") == "Payment: transfer went missing"
    assert audit.transition_label("payment.transfer_went_missing", "in_flight", "") == "In flight"


def test_a_verb_registered_twice_with_another_label_is_refused():
    with pytest.raises(Exception, match="registered twice"):
        audit.register_verbs({"payment.scheduled": "Something else"})


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_state_of_every_registered_verb_reads_as_its_status_label(language):
    problems = []
    with translation.override(language):
        for verb, entry in audit._VERBS.items():
            if entry.states is None:
                continue
            choices = entry.states.choices if isinstance(entry.states, type) else list(entry.states.items())
            for code, label in choices:
                text = audit.transition_label(verb, code, code)
                if text != f"{label} → {label}" or (code.isascii() and code in text.split(" → ")):
                    problems.append(f"{verb}: {code!r} reads {text!r}")
    assert not problems, "\n".join(problems)


def test_a_refused_transition_names_the_states_labels_not_their_codes():
    with translation.override("en"), pytest.raises(TransitionNotAllowed) as refused:
        check_transition(allowed=PAYMENT_TRANSITIONS, current="paid", target="requested")
    assert refused.value.messages == ["Cannot change the status from “Paid” to “Requested”."]


def test_transition_tables_are_keyed_by_status_members():
    """What lets check_transition find the labels."""
    for table in (PAYMENT_TRANSITIONS, REPORT_TRANSITIONS, INCUBATION_TRANSITIONS):
        assert all(isinstance(state, Choices) for state in table)


def test_a_field_path_reads_as_words():
    names = {"budget": "Budget", "description": "description"}
    items = {"lines": "line %(number)s"}
    with translation.override("en"):
        assert field_path_label("budget.lines.1.description", names=names, items=items) == "Budget, line 2, description"
        assert field_path_label("budget.lines.1.description", names=names, items=items, first_index=1) == (
            "Budget, line 1, description"
        )
        assert field_path_label("budget.cofunding_source", names=names) == "Budget, Cofunding source"


def test_a_snapshot_diff_names_its_fields_and_answers_by_their_question():
    snapshot = {"answers": [{"id": "q1", "label": "Who benefits?", "text": "Residents"}]}
    with translation.override("en"):
        assert field_label("budget.lines.2.amount") == "Budget, line 2, Amount"
        assert field_label("project.title") == "Project, Title"
        assert field_label("answers.1.text", (snapshot,)) == "Who benefits?, Answer"
