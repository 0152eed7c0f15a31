"""Reads of the rounds and the live defence: scoped to the officer's funders, the panel
member's seats or the applicant's members, with their joins (issue 17)."""

from dataclasses import dataclass, field

from django.http import Http404
from django.shortcuts import get_object_or_404

from grants.calls.permissions import member_organisation_ids
from grants.review.models import (
    ConflictOfInterest,
    DefenceMember,
    DefenceScore,
    DefenceSlot,
    ReviewRound,
    RoundScore,
    ScoreSummary,
    ShortlistEntry,
)
from grants.review.rounds import rounds_of


def round_of_call(call, pk) -> ReviewRound:
    return get_object_or_404(ReviewRound.objects.select_related("call__funder"), call=call, pk=pk)


def defence_round_of_call(call, pk) -> ReviewRound:
    round_ = round_of_call(call, pk)
    if round_.kind != ReviewRound.Kind.DEFENCE:
        raise Http404
    return round_


def shortlist_of(round_):
    return ShortlistEntry.objects.filter(round=round_).select_related("application__organisation", "decided_by")


def entry_of_round(round_, pk) -> ShortlistEntry:
    return get_object_or_404(ShortlistEntry, round=round_, pk=pk)


def combined_ranking(call, basis: str) -> list[dict]:
    """The combined ranking with each round's scores beside it."""
    order = "raw_rank" if basis == "raw" else "normalised_rank"
    summaries = list(ScoreSummary.objects.filter(call=call).select_related("application").order_by(order))
    per_round: dict = {}
    for score in RoundScore.objects.filter(round__call=call).select_related("round"):
        per_round.setdefault(score.application_id, {})[score.round_id] = score
    round_ids = list(ReviewRound.objects.filter(call=call).order_by("order").values_list("pk", flat=True))
    return [
        {"summary": s, "cells": [per_round.get(s.application_id, {}).get(pk) for pk in round_ids]} for s in summaries
    ]


def members_of_round(round_):
    return DefenceMember.objects.filter(round=round_).select_related("reviewer").order_by("id")


def member_of_round(round_, pk) -> DefenceMember:
    return get_object_or_404(DefenceMember.objects.select_related("reviewer"), round=round_, pk=pk)


def slots_of(round_):
    return DefenceSlot.objects.filter(round=round_).select_related("application__organisation").order_by("position")


def slot_order(round_) -> list:
    """The round's slots, ids and positions only: the phone's previous and next links."""
    return list(DefenceSlot.objects.filter(round=round_).order_by("position").only("pk", "position"))


def slot_of_round(round_, pk) -> DefenceSlot:
    return get_object_or_404(DefenceSlot.objects.select_related("application", "round"), round=round_, pk=pk)


def score_of_round(round_, pk) -> DefenceScore:
    return get_object_or_404(
        DefenceScore.objects.select_related("slot__application", "reviewer"), slot__round=round_, pk=pk
    )


@dataclass
class SlotBoard:
    """What the session and projection pages show of one slot."""

    slot: DefenceSlot
    expected: list = field(default_factory=list)  # present members who score this applicant
    scores: list = field(default_factory=list)  # every DefenceScore of the slot
    counted: list = field(default_factory=list)

    @property
    def submitted_count(self) -> int:
        expected = {m.reviewer_id for m in self.expected}
        return sum(1 for s in self.scores if s.status == DefenceScore.Status.SUBMITTED and s.reviewer_id in expected)

    @property
    def revealed(self) -> bool:
        """Only once every present member who scores this applicant has submitted."""
        return bool(self.expected) and self.submitted_count == len(self.expected)

    @property
    def aggregate(self) -> float | None:
        if not self.revealed or not self.counted:
            return None
        return round(sum(s.total for s in self.counted) / len(self.counted), 1)

    @property
    def late_count(self) -> int:
        return sum(1 for s in self.scores if s.late and s.status == DefenceScore.Status.SUBMITTED)


def boards(round_) -> list[SlotBoard]:
    """Every slot of the round with its expected members and scores (four queries)."""
    slots = list(slots_of(round_))
    members = [m for m in members_of_round(round_) if m.present]
    conflicts = set(
        ConflictOfInterest.objects.filter(
            application_id__in=[s.application_id for s in slots], reviewer_id__in=[m.reviewer_id for m in members]
        ).values_list("application_id", "reviewer_id")
    )
    scores: dict = {}
    for score in DefenceScore.objects.filter(slot__round=round_).select_related("reviewer").order_by("id"):
        scores.setdefault(score.slot_id, []).append(score)
    result = []
    for slot in slots:
        slot_scores = scores.get(slot.pk, [])
        counted = [
            s
            for s in slot_scores
            if s.status == DefenceScore.Status.SUBMITTED and (round_.include_late_scores or not s.late)
        ]
        result.append(
            SlotBoard(
                slot=slot,
                expected=[m for m in members if (slot.application_id, m.reviewer_id) not in conflicts],
                scores=slot_scores,
                counted=counted,
            )
        )
    return result


# --- Panel members ---------------------------------------------------------------------------


def seats_of(user):
    """The defence rounds the reviewer sits on that are taking scores."""
    return (
        DefenceMember.objects.filter(reviewer=user, round__status=ReviewRound.Status.SCORING)
        .select_related("round__call")
        .order_by("round__call__title_zh", "round__call__title_en", "round_id")
    )


def seat_of(user, round_pk) -> DefenceMember:
    return get_object_or_404(
        DefenceMember.objects.select_related("round__call", "round__current_slot"), reviewer=user, round_id=round_pk
    )


def slot_for_member(member: DefenceMember, slot_pk) -> DefenceSlot:
    return get_object_or_404(
        DefenceSlot.objects.select_related("application__organisation"), round=member.round, pk=slot_pk
    )


def own_score(user, slot) -> DefenceScore | None:
    return DefenceScore.objects.filter(slot=slot, reviewer=user).first()


# --- Applicants -------------------------------------------------------------------------------


def slot_for_applicant(user, pk) -> DefenceSlot:
    return get_object_or_404(
        DefenceSlot.objects.select_related("application__organisation", "round__call"),
        pk=pk,
        application__organisation_id__in=member_organisation_ids(user),
    )


def rounds_summary(call) -> list:
    return rounds_of(call)
