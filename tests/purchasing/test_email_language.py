"""Purchasing emails read in each recipient's language, whoever acted.

core.notify renders every email per recipient in the recipient's language, so a service
passes codes (a status, a decision, a grade) and both languages of names and titles; the
email template says the words. A status or a name put into the context in the language of
the user who acted would reach a Chinese reader in English (and the other way round).
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from grants.awards.evaluation import services as evaluation
from grants.awards.evaluation.models import Grade, Part
from purchasing.contracts.models import Contract
from purchasing.contracts.services import contracts as contract_services
from purchasing.contracts.services import needs as need_services
from purchasing.contracts.terms import Terms
from purchasing.delivery import services as delivery
from tests.purchasing.contracts.factories import (
    YEAR,
    BudgetLineFactory,
    BuyerFactory,
    ContractFactory,
    NeedFactory,
    QuoteFactory,
    buyer_user,
    ngo_manager,
)

pytestmark = pytest.mark.django_db


def _speaks(user, language):
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    return user


@pytest.fixture
def parties():
    """An English-speaking buyer's clerk and a Chinese-speaking NGO manager."""
    buyer = BuyerFactory(name_zh="枫桥街道办事处", name_en="Fengqiao Street Office")
    BudgetLineFactory(buyer=buyer, year=YEAR, amount=Decimal("1000000"))
    contract = ContractFactory(
        buyer=buyer,
        organisation__name_zh="苏州社区法律服务中心",
        organisation__name_en="Suzhou Community Legal Service Centre",
        active=True,
    )
    return {
        "contract": contract,
        "buyer": _speaks(buyer_user(buyer), "en"),
        "ngo": _speaks(ngo_manager(contract.organisation), "zh-hans"),
    }


def _mail_to(mailoutbox, user):
    (message,) = [m for m in mailoutbox if m.to == [user.email]]
    return message


def _bigger_terms(contract, extra=Decimal("5000")):
    terms = Terms.of(contract)
    terms.items[0].quantity += int(extra / terms.items[0].unit_price)
    terms.instalments[-1].amount += extra
    return terms


def test_a_contract_terminated_by_an_english_speaker_reads_chinese_to_a_chinese_reader(
    parties, django_capture_on_commit_callbacks, mailoutbox
):
    contract = parties["contract"]
    with django_capture_on_commit_callbacks(execute=True):
        contract_services.contract_terminate(contract=contract, by=parties["buyer"], reason="Budget cut")

    chinese = _mail_to(mailoutbox, parties["ngo"])
    assert chinese.subject == f"合同 {contract.reference}：已终止"
    assert "已终止" in chinese.body
    assert "Terminated" not in chinese.subject + chinese.body
    # Names and titles in the reader's language too, not the actor's.
    assert "枫桥街道办事处" in chinese.body and "苏州社区法律服务中心" in chinese.body
    assert "社区法律讲座服务合同" in chinese.body
    assert "Fengqiao" not in chinese.body

    english = _mail_to(mailoutbox, parties["buyer"])
    assert english.subject == f"Contract {contract.reference}: Terminated"
    assert "Fengqiao Street Office" in english.body and "Community law talks contract" in english.body


def test_a_contract_completed_by_an_english_speaker_reads_chinese_to_a_chinese_reader(
    parties, django_capture_on_commit_callbacks, mailoutbox
):
    contract = parties["contract"]
    with django_capture_on_commit_callbacks(execute=True):
        contract_services.contract_complete(contract=contract, by=parties["buyer"])

    chinese = _mail_to(mailoutbox, parties["ngo"])
    assert chinese.subject == f"合同 {contract.reference}：已结项"
    assert "Completed" not in chinese.subject + chinese.body
    assert _mail_to(mailoutbox, parties["buyer"]).subject == f"Contract {contract.reference}: Completed"


def test_an_amendment_accepted_by_an_english_speaker_reads_chinese_to_a_chinese_reader(
    parties, django_capture_on_commit_callbacks, mailoutbox
):
    contract = parties["contract"]
    amendment = contract_services.amendment_propose(
        contract=contract, terms=_bigger_terms(contract), reason="更多村居", by=parties["ngo"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        contract_services.amendment_accept(amendment=amendment, by=parties["buyer"])

    chinese = _mail_to(mailoutbox, parties["ngo"])
    assert chinese.subject == f"合同 {contract.reference} 的变更：已由双方接受"
    assert "已由双方接受" in chinese.body
    assert "accepted" not in chinese.subject + chinese.body
    english = _mail_to(mailoutbox, parties["buyer"])
    assert english.subject == f"Amendment to contract {contract.reference}: accepted by both parties"


def test_an_amendment_declined_by_a_chinese_speaker_reads_english_to_an_english_reader(
    parties, django_capture_on_commit_callbacks, mailoutbox
):
    contract = parties["contract"]
    amendment = contract_services.amendment_propose(
        contract=contract, terms=_bigger_terms(contract), reason="More villages", by=parties["buyer"]
    )
    with django_capture_on_commit_callbacks(execute=True), translation.override("zh-hans"):
        contract_services.amendment_decline(amendment=amendment, by=parties["ngo"], reason="预算不足")

    english = _mail_to(mailoutbox, parties["buyer"])
    assert english.subject == f"Amendment to contract {contract.reference}: declined by the other party"
    assert "is declined by the other party." in english.body
    assert "“Community law talks contract”" in english.body
    assert "未获资助" not in english.subject + english.body
    assert "社区法律讲座服务合同" not in english.body


def test_a_quote_declined_by_an_english_speaker_names_the_need_and_buyer_in_chinese(
    django_capture_on_commit_callbacks, mailoutbox
):
    buyer = BuyerFactory(name_zh="枫桥街道办事处", name_en="Fengqiao Street Office")
    need = NeedFactory(buyer=buyer, title_zh="社区普法讲座需求", title_en="Community law talks wanted")
    quote = QuoteFactory(need=need)
    clerk = _speaks(buyer_user(buyer), "en")
    manager = _speaks(ngo_manager(quote.organisation), "zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        need_services.need_cancel(need=need, by=clerk, reason="Plans changed")

    chinese = _mail_to(mailoutbox, manager)
    assert "社区普法讲座需求" in chinese.subject
    assert "枫桥街道办事处" in chinese.body
    assert "Community law talks wanted" not in chinese.subject + chinese.body
    assert "Fengqiao" not in chinese.body


def test_a_delivery_accepted_by_a_chinese_speaker_names_the_buyer_in_english_to_an_english_reader(
    django_capture_on_commit_callbacks, mailoutbox
):
    contract = ContractFactory(
        signed=True, buyer=BuyerFactory(name_zh="枫桥街道办事处", name_en="Fengqiao Street Office")
    )
    period = delivery.periods_open(contract=contract)[0]
    clerk = _speaks(buyer_user(contract.buyer), "zh-hans")
    manager = _speaks(ngo_manager(contract.organisation), "en")
    delivery.delivery_log(
        period=period,
        by=manager,
        delivered_on=period.instalment.period_start + datetime.timedelta(days=3),
        place="枫桥街道综治中心",
        hours=3,
        people_served=40,
        cases_handled=5,
        cases_mediated=2,
    )
    delivery.period_submit(period=period, by=manager)
    with django_capture_on_commit_callbacks(execute=True), translation.override("zh-hans"):
        delivery.period_accept(period=period, by=clerk)

    english = _mail_to(mailoutbox, manager)
    assert english.subject == f"Delivery accepted for contract {contract.reference}"
    assert english.body.startswith("Fengqiao Street Office has accepted your delivery")
    assert "枫桥街道办事处" not in english.body


def test_an_evaluation_published_by_an_english_speaker_reads_its_grade_in_chinese(
    parties, django_capture_on_commit_callbacks, mailoutbox
):
    buyer, contract = parties["buyer"], parties["contract"]
    offered = ContractFactory(buyer=contract.buyer, organisation=contract.organisation, offered=True)
    contract_services.contract_accept(contract=offered, by=buyer)
    offered = contract_services.contract_accept(contract=offered, by=parties["ngo"])
    case = Contract.objects.get(pk=offered.pk).evaluation_case
    marks = {c.pk: Decimal(85) for c in case.scheme.criteria.filter(part=Part.PURCHASER)}
    evaluation.assessment_submit(case=case, part=Part.PURCHASER, by=buyer, marks=marks)
    with django_capture_on_commit_callbacks(execute=True):
        case = evaluation.case_publish(case=case, by=buyer)

    grade = Grade(case.grade)
    with translation.override("zh-hans"):
        chinese_grade = str(grade.label)
    with translation.override("en"):
        english_grade = str(grade.label)
    assert chinese_grade != english_grade
    chinese = _mail_to(mailoutbox, parties["ngo"])
    assert chinese_grade in chinese.body
    assert english_grade not in chinese.body
