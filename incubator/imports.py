"""Importing organisations from a bureau's roster (社会组织名录), through core.bulk_import.

A row is an organisation to register as a draft with no members (as an officer adds one
in the back office), created by ``organisation_register_by_officer``. It is skipped when:

- it has no name, or a value that cannot be stored (too long, a date that is no date);
- its unified social credit code is not valid (core.identifiers), or does not fit the
  legal form (51/52/53; a community group has none);
- another row of the file has the same code or the same name (the first one is imported);
- an organisation on the platform already has that code or that name (brackets full-width
  or half-width alike): an organisation is identified by either;
- its area is unknown, retired, ambiguous (城关镇 in several counties: add the district or the
  12-digit code) or inconsistent (a street that is not in the district given).

Warnings do not stop a row: no area given, an email address that is not one (left out), an
unknown grade (left out), a field type taken from the upload form's default.
Validation reads the database in bulk (codes, names, areas and their ancestors): the number
of queries does not grow with the rows.
"""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.bulk_import.parsing import clean_text, match_key, parse_date
from core.bulk_import.registry import Column, Importer, RowResult, SourceRow
from core.identifiers import PREFIX_BY_LEGAL_FORM, normalise_uscc, uscc_error, validate_uscc_for_legal_form
from incubator import permissions
from incubator.models import Area, Organisation
from incubator.services import organisations as organisation_services

LegalForm = Organisation.LegalForm
FieldType = Organisation.FieldType

LEGAL_FORMS = {
    "社会团体": LegalForm.SOCIAL_GROUP,
    "社团": LegalForm.SOCIAL_GROUP,
    "民办非企业单位": LegalForm.PRIVATE_NON_ENTERPRISE,
    "民办非企业": LegalForm.PRIVATE_NON_ENTERPRISE,
    "民非": LegalForm.PRIVATE_NON_ENTERPRISE,
    "社会服务机构": LegalForm.PRIVATE_NON_ENTERPRISE,
    "基金会": LegalForm.FOUNDATION,
    "社区社会组织": LegalForm.COMMUNITY_GROUP,
    "社区社会组织(备案)": LegalForm.COMMUNITY_GROUP,
    "备案": LegalForm.COMMUNITY_GROUP,
    "社区组织": LegalForm.COMMUNITY_GROUP,
    "socialgroup": LegalForm.SOCIAL_GROUP,
    "privatenon-enterpriseunit": LegalForm.PRIVATE_NON_ENTERPRISE,
    "foundation": LegalForm.FOUNDATION,
    "communitygroup": LegalForm.COMMUNITY_GROUP,
    **{value.replace("_", ""): value for value in LegalForm.values},
}
FIELD_TYPES = {
    "枢纽型": FieldType.HUB,
    "枢纽": FieldType.HUB,
    "基层基础型": FieldType.GRASSROOTS,
    "基层": FieldType.GRASSROOTS,
    "行业性": FieldType.INDUSTRY,
    "行业协会": FieldType.INDUSTRY,
    "专业性": FieldType.PROFESSIONAL,
    "专业": FieldType.PROFESSIONAL,
    "网络型": FieldType.NETWORK,
    "industryassociation": FieldType.INDUSTRY,
    **{value: value for value in FieldType.values},
}
GRADES = {"3a": "3A", "4a": "4A", "5a": "5A", "aaa": "3A", "aaaa": "4A", "aaaaa": "5A"}
LEVEL_FIELD = {Area.Level.DISTRICT: "district", Area.Level.TOWN: "town", Area.Level.VILLAGE: "community"}
_SEPARATORS = re.compile(r"[/／\\,，、;；>＞|·\s]+")
# A name glued to the next one ("吴中区木渎镇"): cut after a division's suffix.
_GLUED = re.compile(r".+?(?:自治州|自治县|自治旗|地区|街道|区|县|市|旗|镇|乡|社区|村)(?=.)")


def _key(text) -> str:
    return match_key(clean_text(text)).replace("_", "").replace(" ", "")


def name_variants(name: str) -> set[str]:
    """The spellings under which the same name may be stored (brackets full-width or not)."""
    nfkc = unicodedata.normalize("NFKC", name)
    return {name, nfkc, nfkc.replace("(", "（").replace(")", "）"), name.replace(" ", "")}


class AreaResolver:
    """Areas named in the file (names or codes), read in a constant number of queries."""

    def __init__(self, pieces_per_row: list[list[str]]):
        self.tokens_per_row = [self._tokens(pieces) for pieces in pieces_per_row]
        names = {token for tokens in self.tokens_per_row for kind, token in tokens if kind == "name"}
        for tokens in self.tokens_per_row:
            for kind, token in tokens:
                if kind == "name":
                    names.update([*_GLUED.findall(token), _GLUED.sub("", token)])
        names.discard("")
        codes = {token for tokens in self.tokens_per_row for kind, token in tokens if kind == "code"}
        fields = ("pk", "name_zh", "name_en", "code", "level", "parent_id", "retired_in", "replaced_by__name_zh")
        self.by_pk: dict[int, dict] = {}
        self.by_name: dict[str, list[dict]] = {}
        self.by_code: dict[str, dict] = {}
        if names or codes:
            for area in Area.objects.filter(Q(name_zh__in=names) | Q(code__in=codes)).values(*fields):
                self._add(area)
            # Their ancestors (village → town → district → city → province), one query a level.
            for _level in range(4):
                missing = {
                    a["parent_id"] for a in self.by_pk.values() if a["parent_id"] and a["parent_id"] not in self.by_pk
                }
                if not missing:
                    break
                for area in Area.objects.filter(pk__in=missing).values(*fields):
                    self._add(area)

    def _add(self, area: dict) -> None:
        if area["pk"] in self.by_pk:
            return
        self.by_pk[area["pk"]] = area
        self.by_name.setdefault(area["name_zh"], []).append(area)
        if area["code"]:
            self.by_code[area["code"]] = area

    @staticmethod
    def _tokens(pieces: list[str]) -> list[tuple[str, str]]:
        tokens = []
        for piece in pieces:
            text = unicodedata.normalize("NFKC", piece or "")
            for token in _SEPARATORS.split(text):
                if not token:
                    continue
                if token.isdigit() and len(token) in (6, 9, 12):
                    tokens.append(("code", token.ljust(12, "0")))
                elif token.isdigit():
                    tokens.append(("bad", token))
                else:
                    tokens.append(("name", token))
        return tokens

    def _candidates(self, kind: str, token: str) -> list[list[dict]]:
        """For one token, the candidate lists of the names it stands for (a glued token may be several)."""
        if kind == "code":
            area = self.by_code.get(token)
            return [[area]] if area else []
        if token in self.by_name:
            return [self.by_name[token]]
        parts = [*_GLUED.findall(token), _GLUED.sub("", token)]
        parts = [part for part in parts if part]
        if len(parts) > 1 and all(part in self.by_name for part in parts):
            return [self.by_name[part] for part in parts]
        return []

    def chain(self, area: dict) -> list[dict]:
        found = [area]
        while found[-1]["parent_id"] and found[-1]["parent_id"] in self.by_pk:
            found.append(self.by_pk[found[-1]["parent_id"]])
        return found

    def label(self, area: dict) -> str:
        return " · ".join(a["name_zh"] for a in reversed(self.chain(area)) if a["level"] not in ("province", "city"))

    def resolve(self, index: int) -> tuple[dict | None, list[str]]:
        """(the deepest area the row names, errors)."""
        tokens = self.tokens_per_row[index]
        if not tokens:
            return None, []
        groups = []
        for kind, token in tokens:
            if kind == "bad":
                return None, [_("“%(code)s” is not a division code (12 digits).") % {"code": token}]
            found = self._candidates(kind, token)
            if not found:
                return None, [
                    _(
                        "The area “%(area)s” is not in the platform's division codes. Check the name or give its 12-digit code."
                    )
                    % {"area": token}
                ]
            groups.extend(found)
        union = {area["pk"]: area for group in groups for area in group}
        fitting = []
        for area in union.values():
            ids = {a["pk"] for a in self.chain(area)}
            if all(any(candidate["pk"] in ids for candidate in group) for group in groups):
                fitting.append(area)
        if not fitting:
            names = "、".join(token for _kind, token in tokens)
            return None, [
                _("The areas “%(areas)s” do not belong together (a street outside the district given?).")
                % {"areas": names}
            ]
        ancestors = {a["pk"] for area in fitting for a in self.chain(area)[1:]}
        deepest = [area for area in fitting if area["pk"] not in ancestors]
        current = [area for area in deepest if not area["retired_in"]] or deepest
        if len(current) > 1:
            options = "; ".join(f"{self.label(area)} ({area['code']})" for area in current[:5])
            return None, [
                _("“%(area)s” names several areas: %(options)s. Add the district, or give the 12-digit code.")
                % {"area": "、".join(token for _kind, token in tokens), "options": options}
            ]
        area = current[0]
        if area["retired_in"]:
            replaced = area["replaced_by__name_zh"]
            message = _("The area “%(area)s” was retired in the %(year)s division codes.") % {
                "area": area["name_zh"],
                "year": area["retired_in"],
            }
            if replaced:
                message += " " + _("It was replaced by “%(name)s”.") % {"name": replaced}
            return None, [message]
        if area["level"] not in LEVEL_FIELD:
            return None, [
                _("“%(area)s” is a province or city: give the district, town or street.") % {"area": area["name_zh"]}
            ]
        return area, []

    def fields(self, area: dict) -> dict:
        values = {"district": None, "town": None, "community": None}
        for a in self.chain(area):
            if a["level"] in LEVEL_FIELD:
                values[LEVEL_FIELD[a["level"]]] = a["pk"]
        return values


COLUMNS = (
    Column(
        "name_zh",
        "机构名称",
        ("组织名称", "社会组织名称", "单位名称", "名称", "中文名称", "name", "organisation name", "organization name",
         "name (Chinese)"),
        required=True,
        example="吴中区木渎镇邻里调解服务中心",
    ),
    Column("name_en", "英文名称", ("English name", "name in English"), example="Mudu Neighbourhood Mediation Centre"),
    Column(
        "uscc",
        "统一社会信用代码",
        ("信用代码", "社会信用代码", "统一代码", "USCC", "unified social credit code", "credit code"),
        help=gettext_lazy("18 characters; format the column as text in Excel, or long codes lose digits."),
        example="52320506MJ0000000X",
    ),
    Column(
        "legal_form",
        "组织类型",
        ("社会组织类型", "登记类型", "类型", "legal form"),
        help=gettext_lazy("社会团体, 民办非企业单位 (社会服务机构), 基金会 or 社区社会组织; read from the code when empty."),
        example="民办非企业单位",
    ),
    Column(
        "field_type",
        "领域类型",
        ("领域", "field type"),
        help=gettext_lazy("枢纽型, 基层基础型, 行业性, 专业性 or 网络型; the upload form's default when empty."),
        example="基层基础型",
    ),
    Column("registration_authority", "登记机关", ("登记管理机关", "registration authority"), example="苏州市吴中区民政局"),
    Column(
        "registration_date",
        "成立日期",
        ("登记日期", "成立时间", "登记时间", "registration date", "date registered"),
        help=gettext_lazy("An Excel date, or text such as 2019-03-05, 2019/3/5 or 2019年3月5日."),
        example="2019-03-05",
    ),
    Column(
        "area",
        "所在区县/街道",
        ("所在区域", "所在地区", "区域", "所在地", "区划代码", "area", "location", "division code"),
        help=gettext_lazy("Names (吴中区/木渎镇) or a 12-digit division code."),
        example="吴中区/木渎镇",
    ),
    Column("district", "所在区县", ("区县", "县区", "district"), example=""),
    Column("town", "所在街道", ("街道", "乡镇街道", "街道(乡镇)", "所在乡镇", "乡镇", "town", "street", "town or street")),
    Column("community", "所在社区", ("社区", "村(社区)", "社区/村", "村居", "community", "village")),
    Column("legal_representative", "法定代表人", ("法人代表", "负责人", "legal representative"), example="张明"),
    Column("contact_name", "联系人", ("contact", "contact person", "contact name"), example="李华"),
    Column(
        "contact_phone", "联系电话", ("电话", "手机", "联系方式", "phone", "contact phone", "telephone"), example="0512-66668888"
    ),
    Column("contact_email", "电子邮箱", ("邮箱", "email", "e-mail", "contact email"), example=""),
    Column("address", "地址", ("住所", "办公地址", "通讯地址", "address"), example="吴中区木渎镇中山东路1号"),
    Column(
        "mission", "业务范围", ("宗旨", "业务范围及宗旨", "mission", "scope of business", "business scope"),
        example="邻里纠纷调解、法律咨询",
    ),
    Column("grade", "评估等级", ("等级", "grade"), example="3A"),
)  # fmt: skip

LIMITS = {
    field.name: field.max_length
    for field in Organisation._meta.get_fields()
    if getattr(field, "max_length", None)
    and field.name in {column.key for column in COLUMNS} - {"legal_form", "field_type", "grade", "uscc"}
}


class OrganisationImporter(Importer):
    key = "organisations"
    label = gettext_lazy("Organisations")
    description = gettext_lazy(
        "Register the organisations of your office's roster as drafts, without members: their people join them "
        "later. Rows whose code or name is already on the platform are skipped."
    )
    columns = COLUMNS
    preview_headers = (
        gettext_lazy("Name"),
        gettext_lazy("Unified social credit code"),
        gettext_lazy("Legal form"),
        gettext_lazy("Area"),
        gettext_lazy("Contact"),
    )

    def can_import(self, user) -> bool:
        return permissions.can_manage_incubation(user)

    def options_fields(self):
        return {
            "field_type": forms.ChoiceField(
                label=gettext_lazy("Field type for rows that do not give one"),
                choices=FieldType.choices,
                initial=FieldType.GRASSROOTS,
            )
        }

    def validate(self, rows: list[SourceRow], *, options: dict) -> list[RowResult]:
        results = [self._row(row.cells, options) for row in rows]
        self._areas(rows, results)
        self._duplicates(rows, results)
        return results

    # --- one row, without the database -------------------------------------------------

    def _row(self, cells: dict, options: dict) -> RowResult:
        errors, warnings, values = [], [], {}
        for column in COLUMNS:
            if column.key in ("registration_date", "uscc"):
                continue
            values[column.key] = clean_text(cells.get(column.key))
        for name, limit in LIMITS.items():
            if len(values.get(name, "")) > limit:
                errors.append(
                    _("“%(column)s” is longer than %(limit)s characters.")
                    % {"column": _column_label(name), "limit": limit}
                )
        if not values["name_zh"]:
            errors.append(_("The organisation's name (机构名称) is empty."))
        uscc_errors = []
        values["uscc"] = self._uscc(cells.get("uscc"), uscc_errors)
        errors.extend(uscc_errors)
        values["legal_form"] = self._legal_form(values["legal_form"], values["uscc"], errors)
        if values["legal_form"] and not uscc_errors:
            try:
                validate_uscc_for_legal_form(values["uscc"], values["legal_form"])
            except ValidationError as error:
                errors.extend(error.messages)
        field_type = FIELD_TYPES.get(_key(values["field_type"]))
        if values["field_type"] and field_type is None:
            errors.append(
                _("“%(value)s” is not a field type (枢纽型, 基层基础型, 行业性, 专业性, 网络型).")
                % {"value": values["field_type"]}
            )
        values["field_type"] = field_type or options.get("field_type") or FieldType.GRASSROOTS
        values["registration_date"] = self._date(cells.get("registration_date"), errors)
        if values["contact_email"]:
            try:
                validate_email(values["contact_email"])
            except ValidationError:
                warnings.append(
                    _("“%(value)s” is not an email address; it is left out.") % {"value": values["contact_email"]}
                )
                values["contact_email"] = ""
        if values["grade"]:
            grade = GRADES.get(_key(values["grade"]).removesuffix("级"))
            if grade is None:
                warnings.append(
                    _("“%(value)s” is not a grade (3A, 4A, 5A); it is left out.") % {"value": values["grade"]}
                )
            values["grade"] = grade or ""
        values["contact_phone"] = unicodedata.normalize("NFKC", values["contact_phone"])
        cells_shown = [
            values["name_zh"],
            values["uscc"],
            str(LegalForm(values["legal_form"]).label) if values["legal_form"] else "",
            "",
            " ".join(part for part in (values["contact_name"], values["contact_phone"]) if part),
        ]
        return RowResult(values=values, cells=cells_shown, errors=errors, warnings=warnings)

    @staticmethod
    def _uscc(value, errors) -> str:
        if isinstance(value, float) or (isinstance(value, int) and not isinstance(value, bool)):
            if (isinstance(value, float) and not value.is_integer()) or abs(value) >= 10**15:
                errors.append(
                    _(
                        "The unified social credit code was stored by Excel as a number and has lost digits. "
                        "Format the column as text and type the code again."
                    )
                )
                return ""
            value = str(int(value))
        code = normalise_uscc(clean_text(value))
        error = uscc_error(code)
        if error is not None:
            errors.extend(error.messages)
        return code

    @staticmethod
    def _legal_form(value: str, uscc: str, errors) -> str:
        if value:
            legal_form = LEGAL_FORMS.get(_key(value)) or LEGAL_FORMS.get(_key(unicodedata.normalize("NFKC", value)))
            if legal_form is None:
                errors.append(
                    _("“%(value)s” is not a legal form (社会团体, 民办非企业单位, 基金会, 社区社会组织).")
                    % {"value": value}
                )
                return ""
            return legal_form
        if not uscc:
            return LegalForm.COMMUNITY_GROUP
        by_prefix = {prefix: form for form, prefix in PREFIX_BY_LEGAL_FORM.items()}
        if uscc[:2] in by_prefix:
            return by_prefix[uscc[:2]]
        errors.append(
            _(
                "The code starts with %(prefix)s, which is not a social organisation's (51, 52, 53): "
                "give the legal form (组织类型)."
            )
            % {"prefix": uscc[:2]}
        )
        return ""

    @staticmethod
    def _date(value, errors) -> str:
        try:
            date = parse_date(value)
        except ValueError:
            errors.append(_("“%(value)s” is not a date (e.g. 2019-03-05).") % {"value": clean_text(value)})
            return ""
        if date is None:
            return ""
        if date > timezone.localdate():
            errors.append(_("The registration date %(date)s is in the future.") % {"date": date.isoformat()})
        return date.isoformat()

    # --- the whole file, against the database ---------------------------------------------

    def _areas(self, rows, results) -> None:
        pieces = [[result.values.pop(key) for key in ("district", "town", "community", "area")] for result in results]
        resolver = AreaResolver(pieces)
        for index, result in enumerate(results):
            area, errors = resolver.resolve(index)
            result.errors.extend(errors)
            if area is None and not errors:
                result.warnings.append(
                    _("No area given: the organisation must choose its district before it can be submitted.")
                )
            result.values.update(resolver.fields(area) if area else {"district": None, "town": None, "community": None})
            result.cells[3] = resolver.label(area) if area else " ".join(p for p in pieces[index] if p)

    def _duplicates(self, rows, results) -> None:
        codes = {result.values["uscc"] for result in results if result.values["uscc"]}
        names = set().union(*(name_variants(r.values["name_zh"]) for r in results if r.values["name_zh"]))
        taken_codes, taken_names = self._taken(codes, names)
        first_code, first_name = {}, {}
        for row, result in zip(rows, results, strict=True):
            values = result.values
            code, name = values["uscc"], match_key(values["name_zh"])
            if code and code in taken_codes:
                result.errors.append(
                    _("“%(name)s” already has this unified social credit code on the platform.")
                    % {"name": taken_codes[code]}
                )
            elif name and name in taken_names:
                result.errors.append(
                    _("An organisation named “%(name)s” is already on the platform.") % {"name": taken_names[name]}
                )
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

    @staticmethod
    def _taken(codes, names) -> tuple[dict, dict]:
        taken_codes, taken_names = {}, {}
        if codes or names:
            query = Organisation.objects.filter(Q(uscc__in=codes) | Q(name_zh__in=names)).values_list("uscc", "name_zh")
            for uscc, name in query:
                if uscc in codes:
                    taken_codes[uscc] = name
                taken_names[match_key(name)] = name
        return taken_codes, taken_names

    def recheck(self, values_list: list[dict]) -> list[list[str]]:
        codes = {values["uscc"] for values in values_list if values.get("uscc")}
        names = set().union(*(name_variants(v["name_zh"]) for v in values_list if v.get("name_zh")))
        taken_codes, taken_names = self._taken(codes, names)
        problems = []
        for values in values_list:
            found = []
            if values.get("uscc") in taken_codes:
                found.append(
                    _("“%(name)s” registered this unified social credit code after the preview.")
                    % {"name": taken_codes[values["uscc"]]}
                )
            elif match_key(values.get("name_zh", "")) in taken_names:
                found.append(
                    _("An organisation named “%(name)s” was registered after the preview.")
                    % {"name": taken_names[match_key(values["name_zh"])]}
                )
            problems.append(found)
        return problems

    def create(self, *, values: dict, by, note: str):
        data = dict(values)
        area_ids = [data[name] for name in ("district", "town", "community") if data.get(name)]
        areas = Area.objects.in_bulk(area_ids)
        for name in ("district", "town", "community"):
            data[name] = areas.get(data[name]) if data.get(name) else None
        data["registration_date"] = parse_date(data["registration_date"]) if data.get("registration_date") else None
        return organisation_services.organisation_register_by_officer(by=by, data=data, note=note)

    def object_url(self, object_id: str) -> str:
        return reverse("incubator_organisations:edit", args=[object_id])


def _column_label(key: str) -> str:
    return next(column.label for column in COLUMNS if column.key == key)
