"""Importing buyers (departments, street offices, committees, enterprises) from a list a
bureau keeps, through core.bulk_import, as the incubator imports organisations.

A row is a buyer registered by ``buyer_register``. It is skipped when it has no name or no
known area (the incubator's ``AreaResolver``: names or 12-digit codes, ambiguity reported),
an unknown kind, an invalid USCC, or the same code or name as an earlier row or a buyer on
the platform. Validation reads the database in bulk.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.bulk_import.parsing import clean_text, match_key
from core.bulk_import.registry import Column, Importer, RowResult, SourceRow
from core.identifiers import normalise_uscc, uscc_error
from incubator.imports import AreaResolver, name_variants
from purchasing.contracts import permissions
from purchasing.contracts.models import Buyer
from purchasing.contracts.services.buyers import buyer_register

Kind = Buyer.Kind
KINDS = {
    "政府部门": Kind.DEPARTMENT,
    "部门": Kind.DEPARTMENT,
    "机关": Kind.DEPARTMENT,
    "街道办事处": Kind.STREET_OFFICE,
    "街道": Kind.STREET_OFFICE,
    "乡镇": Kind.STREET_OFFICE,
    "村委会": Kind.COMMITTEE,
    "居委会": Kind.COMMITTEE,
    "村(居)委会": Kind.COMMITTEE,
    "村居委会": Kind.COMMITTEE,
    "社区": Kind.COMMITTEE,
    "企业": Kind.ENTERPRISE,
    "园区": Kind.ENTERPRISE,
    **{value: value for value in Kind.values},
    "governmentdepartment": Kind.DEPARTMENT,
    "streetoffice": Kind.STREET_OFFICE,
    "villageorcommunitycommittee": Kind.COMMITTEE,
}

COLUMNS = (
    Column(
        "name_zh", "购买方名称", ("单位名称", "名称", "name", "buyer"), required=True, example="吴中区木渎镇人民政府"
    ),
    Column("name_en", "英文名称", ("English name",), example="Mudu Town Government"),
    Column(
        "kind",
        "购买方类型",
        ("类型", "单位类型", "kind"),
        help=gettext_lazy("政府部门, 街道办事处, 村(居)委会 or 企业."),
        example="街道办事处",
    ),
    Column("uscc", "统一社会信用代码", ("信用代码", "USCC", "unified social credit code"), example=""),
    Column(
        "area",
        "所在区县/街道",
        ("所在区域", "区域", "区划代码", "area", "division code"),
        required=True,
        example="吴中区/木渎镇",
    ),
)


class BuyerImporter(Importer):
    key = "buyers"
    label = gettext_lazy("Buyers")
    description = gettext_lazy(
        "Register the departments, street offices, committees and enterprises that buy legal services. "
        "Rows whose code or name is already a buyer's are skipped."
    )
    columns = COLUMNS
    preview_headers = (
        gettext_lazy("Name"),
        gettext_lazy("Unified social credit code"),
        gettext_lazy("Kind"),
        gettext_lazy("Area"),
    )

    def can_import(self, user) -> bool:
        return bool(permissions.can_manage_buyers(user))

    def validate(self, rows: list[SourceRow], *, options: dict) -> list[RowResult]:
        results = []
        for row in rows:
            errors, values = [], {key: clean_text(row.cells.get(key)) for key in ("name_zh", "name_en", "kind")}
            if not values["name_zh"]:
                errors.append(_("The name is empty."))
            kind = KINDS.get(match_key(values["kind"]).replace(" ", "")) if values["kind"] else Kind.DEPARTMENT
            if kind is None:
                errors.append(
                    _("“%(value)s” is not a kind of buyer (政府部门, 街道办事处, 村(居)委会, 企业).")
                    % {"value": values["kind"]}
                )
            values["kind"] = kind or ""
            values["uscc"] = normalise_uscc(clean_text(row.cells.get("uscc")))
            error = uscc_error(values["uscc"])
            if error is not None:
                errors.extend(error.messages)
            cells = [values["name_zh"], values["uscc"], str(Kind(kind).label) if kind else "", ""]
            results.append(RowResult(values=values, cells=cells, errors=errors))
        resolver = AreaResolver([[clean_text(row.cells.get("area"))] for row in rows])
        for index, result in enumerate(results):
            area, errors = resolver.resolve(index)
            if area is None and not errors:
                errors = [_("The area is empty: give the district, town or street, or its 12-digit code.")]
            result.errors.extend(errors)
            result.values["area"] = area["pk"] if area else None
            result.cells[3] = resolver.label(area) if area else clean_text(rows[index].cells.get("area"))
        problems = self.recheck([result.values for result in results])
        first_code, first_name = {}, {}
        for row, result, found in zip(rows, results, problems, strict=True):
            result.errors.extend(found)
            code, name = result.values["uscc"], match_key(result.values["name_zh"])
            if code and code in first_code:
                result.errors.append(
                    _("Row %(row)s has the same unified social credit code.") % {"row": first_code[code]}
                )
            elif name and name in first_name:
                result.errors.append(_("Row %(row)s has the same name.") % {"row": first_name[name]})
            if code:
                first_code.setdefault(code, row.number)
            if name:
                first_name.setdefault(name, row.number)
        return results

    def recheck(self, values_list: list[dict]) -> list[list[str]]:
        codes = {values["uscc"] for values in values_list if values.get("uscc")}
        names = set().union(*(name_variants(v["name_zh"]) for v in values_list if v.get("name_zh")))
        taken_codes, taken_names = {}, {}
        if codes or names:
            for uscc, name in Buyer.objects.filter(Q(uscc__in=codes) | Q(name_zh__in=names)).values_list(
                "uscc", "name_zh"
            ):
                if uscc in codes:
                    taken_codes[uscc] = name
                taken_names[match_key(name)] = name
        problems = []
        for values in values_list:
            if values.get("uscc") in taken_codes:
                problems.append(
                    [
                        _("The buyer “%(name)s” already has this unified social credit code.")
                        % {"name": taken_codes[values["uscc"]]}
                    ]
                )
            elif match_key(values.get("name_zh", "")) in taken_names:
                problems.append(
                    [
                        _("A buyer named “%(name)s” is already on the platform.")
                        % {"name": taken_names[match_key(values["name_zh"])]}
                    ]
                )
            else:
                problems.append([])
        return problems

    def create(self, *, values: dict, by, note: str):
        return buyer_register(
            by=by,
            name_zh=values["name_zh"],
            name_en=values["name_en"],
            kind=values["kind"],
            uscc=values["uscc"],
            area_id=values["area"],
        )

    def object_url(self, object_id: str) -> str:
        return reverse("purchasing_buyers:edit", args=[object_id])
