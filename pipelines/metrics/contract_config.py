"""Vendors' contract terms from ``contracts.yaml`` (METRICS.md, "Contracts").

Per vendor, one or more named contract *styles*, one of them marked as the one in force;
a style is a list of *terms*: a metric of the catalogue, a target and its direction, and
a monthly amount paid as a bonus when the target is met and/or charged as a credit when
it is missed. See docs/CONTRACTS.md for the file's syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipelines.metrics.catalogue import CATALOGUE
from pipelines.metrics.query import EVALUATOR_ORGS

CONTRACTS_FILE = "contracts.yaml"
# metrics read per evaluator_org (the centre's own QA team or the client's)
QA_ORG_METRICS: frozenset[str] = frozenset(
    metric
    for metric in CATALOGUE
    if metric.startswith("qa_") and not metric.startswith("qa_calibration")
)
VENDOR_KEYS = {"currency", "in_force", "styles"}
STYLE_KEYS = {"description", "terms"}
TERM_KEYS = {
    "name",
    "metric",
    "target",
    "direction",
    "amount",
    "bonus_when_met",
    "credit_when_missed",
    "currency",
    "qa_evaluator_org",
}
CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class ContractTerm:
    name: str  # as the contract calls it; default: the metric's name
    metric: str
    target: float
    direction: str  # "higher" | "lower": which side of the target is met
    amount: float  # per month, in ``currency``
    bonus_when_met: bool
    credit_when_missed: bool
    currency: str
    qa_evaluator_org: str | None = None  # QA metrics: "own" / "client" QA only; None: all


@dataclass(frozen=True)
class ContractStyle:
    name: str
    terms: tuple[ContractTerm, ...]
    description: str = ""


@dataclass(frozen=True)
class VendorContract:
    vendor: str
    in_force: str  # the style in force
    currency: str
    styles: tuple[ContractStyle, ...]

    def style(self, name: str) -> ContractStyle:
        for style in self.styles:
            if style.name == name:
                return style
        raise ValueError(
            f"{self.vendor}: no contract style {name!r}; styles: "
            f"{', '.join(s.name for s in self.styles)}"
        )


@dataclass(frozen=True)
class Contracts:
    vendors: tuple[VendorContract, ...] = ()

    def for_vendor(self, vendor: str) -> VendorContract | None:
        return next((v for v in self.vendors if v.vendor == vendor), None)

    @property
    def vendor_names(self) -> tuple[str, ...]:
        return tuple(v.vendor for v in self.vendors)


def load_contracts(path: Path | str | None = None) -> Contracts:
    """The contracts of ``contracts.yaml`` (a file, or a config folder holding it; default:
    the config folder, ``CC_CONFIG_DIR``). No file: no contracts. Every mistake raises
    ``ValueError`` naming the file, vendor, style, term and key."""
    if path is None:
        from pipelines.settings import config_dir

        path = config_dir() / CONTRACTS_FILE
    path = Path(path)
    if path.is_dir():
        path = path / CONTRACTS_FILE
    if not path.exists():
        return Contracts()
    with path.open(encoding="utf-8") as handle:
        try:
            document = yaml.safe_load(handle) or {}
        except yaml.YAMLError as error:
            raise ValueError(f"{path}: not valid YAML ({error}); fix the syntax") from error
    if not isinstance(document, dict) or set(document) - {"contracts"}:
        raise ValueError(f"{path}: expected one top-level key, 'contracts' (vendor -> contract)")
    raw_vendors = document.get("contracts") or {}
    if not isinstance(raw_vendors, dict):
        raise ValueError(
            f"{path}: 'contracts' must map each vendor's name to its contract, "
            f"got {type(raw_vendors).__name__}"
        )
    return Contracts(tuple(_vendor(path, str(vendor), raw) for vendor, raw in raw_vendors.items()))


def _vendor(path: Path, vendor: str, raw: object) -> VendorContract:
    where = f"{path}: vendor {vendor!r}"
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected a mapping with in_force and styles, got {raw!r}")
    _unknown_keys(where, raw, VENDOR_KEYS)
    currency = raw.get("currency")
    raw_styles = raw.get("styles")
    if not isinstance(raw_styles, dict) or not raw_styles:
        raise ValueError(
            f"{where}: 'styles' must map each contract style's name to its terms (at least one)"
        )
    if currency is not None:
        currency = _currency(where, currency)
    styles = tuple(
        _style(path, vendor, str(name), body, currency) for name, body in raw_styles.items()
    )
    in_force = raw.get("in_force")
    names = [style.name for style in styles]
    if in_force is None and len(styles) == 1:
        in_force = names[0]
    if in_force not in names:
        raise ValueError(
            f"{where}: key 'in_force' must name one of its styles ({', '.join(names)}), "
            f"got {in_force!r}"
        )
    currencies = sorted({term.currency for style in styles for term in style.terms})
    if len(currencies) > 1:
        raise ValueError(
            f"{where}: its terms are in several currencies ({', '.join(currencies)}); a "
            "vendor's styles are totalled and compared, so use one currency per vendor"
        )
    return VendorContract(vendor, str(in_force), currencies[0], styles)


def _style(path: Path, vendor: str, name: str, raw: object, currency: str | None) -> ContractStyle:
    where = f"{path}: vendor {vendor!r}, style {name!r}"
    if isinstance(raw, list):  # the terms alone
        raw = {"terms": raw}
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected a mapping with 'terms' (a list), got {raw!r}")
    _unknown_keys(where, raw, STYLE_KEYS)
    terms = raw.get("terms")
    if not isinstance(terms, list) or not terms:
        raise ValueError(f"{where}: 'terms' must be a list of at least one term")
    parsed = tuple(
        _term(f"{where}, term {index}", term, currency) for index, term in enumerate(terms, 1)
    )
    seen: set[str] = set()
    for term in parsed:
        if term.name in seen:
            raise ValueError(f"{where}: two terms named {term.name!r}; give each its own 'name'")
        seen.add(term.name)
    return ContractStyle(name, parsed, str(raw.get("description") or ""))


def _term(where: str, raw: object, currency: str | None) -> ContractTerm:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected a mapping with metric, target, amount, got {raw!r}")
    metric = raw.get("metric")
    if metric is not None:
        where = f"{where} ({metric})"
    _unknown_keys(where, raw, TERM_KEYS)
    if metric not in CATALOGUE:
        raise ValueError(
            f"{where}: key 'metric': unknown metric {metric!r}; use one of {', '.join(CATALOGUE)}"
        )
    target = _number(where, "target", raw.get("target"))
    amount = _number(where, "amount", raw.get("amount"))
    if amount < 0:
        raise ValueError(
            f"{where}: key 'amount' must not be negative, got {amount:g}; say whether it is "
            "paid or charged with bonus_when_met / credit_when_missed"
        )
    direction = raw.get("direction", CATALOGUE[metric].direction)
    if direction not in ("higher", "lower"):
        raise ValueError(
            f"{where}: key 'direction' must be 'higher' or 'lower' (which side of the "
            f"target is met), got {direction!r}"
        )
    bonus = _flag(where, "bonus_when_met", raw.get("bonus_when_met", False))
    credit = _flag(where, "credit_when_missed", raw.get("credit_when_missed", False))
    if not (bonus or credit):
        raise ValueError(
            f"{where}: the term neither pays nor charges; set bonus_when_met: true "
            "and/or credit_when_missed: true"
        )
    term_currency = raw.get("currency", currency)
    if term_currency is None:
        raise ValueError(
            f"{where}: key 'currency' is missing; give it on the term or the vendor (e.g. GBP)"
        )
    org = raw.get("qa_evaluator_org")
    if org is not None:
        if org not in EVALUATOR_ORGS:
            raise ValueError(
                f"{where}: key 'qa_evaluator_org' must be one of {', '.join(EVALUATOR_ORGS)}, "
                f"got {org!r}"
            )
        if metric not in QA_ORG_METRICS:
            raise ValueError(
                f"{where}: key 'qa_evaluator_org' applies to QA metrics only "
                f"({', '.join(sorted(QA_ORG_METRICS))}), not {metric}"
            )
    name = raw.get("name") or _default_name(metric, org)
    return ContractTerm(
        str(name),
        metric,
        target,
        direction,
        amount,
        bonus,
        credit,
        _currency(where, term_currency),
        org,
    )


def _default_name(metric: str, org: str | None) -> str:
    name = CATALOGUE[metric].name
    return f"{name} ({org}-scored)" if org else name


def _unknown_keys(where: str, raw: dict, allowed: set[str]) -> None:
    unknown = sorted(str(key) for key in set(raw) - allowed)
    if unknown:
        raise ValueError(
            f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )


def _number(where: str, key: str, raw: object) -> float:
    if raw is None:
        raise ValueError(f"{where}: key '{key}' is required (a number)")
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ValueError(f"{where}: key '{key}' must be a number, got {raw!r}")
    return float(raw)


def _flag(where: str, key: str, raw: object) -> bool:
    if not isinstance(raw, bool):
        raise ValueError(f"{where}: key '{key}' must be true or false, got {raw!r}")
    return raw


def _currency(where: str, raw: object) -> str:
    if not isinstance(raw, str) or not CURRENCY_CODE.match(raw):
        raise ValueError(
            f"{where}: key 'currency' must be a three-letter ISO 4217 code such as GBP, EUR "
            f"or USD, got {raw!r}"
        )
    return raw
