"""Who sees what: the roles file and the signed-in user's role (no Streamlit here).

A deployment with sign-in lists who may use the dashboard in a YAML file (``roles.yaml``
in the config folder, or ``CC_ROLES_FILE``), by e-mail and by group::

    groups_claim: groups            # optional: the ID-token claim with the user's groups
    users:                          # e-mail -> role (matched case-insensitively)
      ann.head@northwind.example: service_head
      pat@pacificreach.example: vendor:Pacific Reach BPO
    groups:                         # group -> role, for users without an e-mail entry
      cc-partner-managers: partner_manager
      cc-analysts: analyst

Roles: ``service_head``, ``partner_manager``, ``analyst`` and ``vendor:<vendor id>``, the
vendor id being a ``vendor`` of the source configs (the centres table), e.g.
``vendor:Pacific Reach BPO``. An e-mail entry wins over groups; among groups, the first
in the file that the user belongs to wins. Anyone else has no access.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pipelines.settings import config_dir

ROLES = ("service_head", "partner_manager", "analyst")
VENDOR_PREFIX = "vendor:"
ROLE_NAMES = {
    "service_head": "Service head",
    "partner_manager": "Partner manager",
    "analyst": "Analyst",
    "vendor": "Vendor",
}
DEFAULT_GROUPS_CLAIM = "groups"
_SECTIONS = ("users", "groups")
_KEYS = {"groups_claim", *_SECTIONS}


class RolesFileError(ValueError):
    """The roles file is missing or malformed; the message names the file and entry."""


@dataclass(frozen=True)
class Role:
    name: str  # service_head | partner_manager | analyst | vendor
    vendor_id: str | None = None  # only for name == "vendor"

    @property
    def label(self) -> str:
        """For people: 'Service head', 'Vendor: Pacific Reach BPO'."""
        base = ROLE_NAMES[self.name]
        return f"{base}: {self.vendor_id}" if self.vendor_id else base


@dataclass(frozen=True)
class Viewer:
    """The signed-in user and what they may see."""

    email: str
    role: str  # service_head | partner_manager | analyst | vendor
    vendor_id: str | None = None  # the vendor a vendor user belongs to, else None
    name: str | None = None  # the display name from the identity provider

    @property
    def role_label(self) -> str:
        return Role(self.role, self.vendor_id).label


@dataclass(frozen=True)
class RolesConfig:
    users: Mapping[str, Role]  # lower-cased e-mail -> role
    groups: Mapping[str, Role]  # group -> role, in the file's order
    groups_claim: str = DEFAULT_GROUPS_CLAIM


def roles_file() -> Path:
    """``CC_ROLES_FILE`` if set, else ``roles.yaml`` in the config folder."""
    return Path(os.environ.get("CC_ROLES_FILE") or config_dir() / "roles.yaml")


def parse_role(text: object, where: str) -> Role:
    """``service_head`` / ``partner_manager`` / ``analyst`` / ``vendor:<vendor id>``."""
    if not isinstance(text, str):
        raise RolesFileError(f"{where}: the role must be text, not {text!r}; {_ROLES_HINT}")
    value = text.strip()
    if value in ROLES:
        return Role(value)
    if value.startswith(VENDOR_PREFIX):
        vendor_id = value[len(VENDOR_PREFIX) :].strip()
        if vendor_id:
            return Role("vendor", vendor_id)
        raise RolesFileError(f"{where}: 'vendor:' needs a vendor id, e.g. 'vendor:Acme BPO'")
    raise RolesFileError(f"{where}: unknown role {value!r}; {_ROLES_HINT}")


_ROLES_HINT = "roles are " + ", ".join(ROLES) + " and vendor:<vendor id>"


def load_roles(path: Path) -> RolesConfig:
    """Read and check the roles file; a ``RolesFileError`` says what is wrong and where."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RolesFileError(
            f"{path}: no roles file. Sign-in is configured, so list who may see what "
            "(see README, 'Running a deployment with sign-in'), or set CC_ROLES_FILE."
        ) from None
    except yaml.YAMLError as error:
        raise RolesFileError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(raw, dict):
        raise RolesFileError(f"{path}: expected a mapping with 'users' and/or 'groups'")
    unknown = sorted(set(map(str, raw)) - _KEYS)
    if unknown:
        raise RolesFileError(
            f"{path}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_KEYS))}"
        )
    claim = raw.get("groups_claim", DEFAULT_GROUPS_CLAIM)
    if not isinstance(claim, str) or not claim.strip():
        raise RolesFileError(f"{path}: groups_claim must be a claim name, not {claim!r}")
    sections = {section: _section(raw, section, path) for section in _SECTIONS}
    users: dict[str, Role] = {}
    for email, role in sections["users"].items():
        key = email.strip().lower()
        if "@" not in key:
            raise RolesFileError(f"{path}: users → {email!r}: not an e-mail address")
        if key in users:
            raise RolesFileError(f"{path}: users → {email!r}: listed twice (case ignored)")
        users[key] = role
    return RolesConfig(users, sections["groups"], claim.strip())


def _section(raw: dict, section: str, path: Path) -> dict[str, Role]:
    entries = raw.get(section) or {}
    if not isinstance(entries, dict):
        raise RolesFileError(
            f"{path}: '{section}' must map each {section[:-1]} to a role, "
            f"e.g. '{section}: {{name: analyst}}'"
        )
    roles = {}
    for key, role in entries.items():
        if not isinstance(key, str) or not key.strip():
            raise RolesFileError(f"{path}: {section} → {key!r}: expected a name")
        roles[key.strip()] = parse_role(role, f"{path}: {section} → {key}")
    return roles


def resolve_viewer(claims: Mapping[str, Any], roles: RolesConfig) -> Viewer | None:
    """The viewer for an identity token's claims, or None when the roles file grants none.

    An e-mail the provider marks unverified (``email_verified: false``) matches no entry.
    """
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        return None
    email = email.strip()
    name = claims.get("name") if isinstance(claims.get("name"), str) else None
    role = None
    if claims.get("email_verified", True) is not False:
        role = roles.users.get(email.lower())
    if role is None:
        groups = _groups(claims.get(roles.groups_claim))
        role = next((r for group, r in roles.groups.items() if group in groups), None)
    if role is None:
        return None
    return Viewer(email=email, role=role.name, vendor_id=role.vendor_id, name=name)


def _groups(value: object) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, list | tuple):
        return {str(group) for group in value}
    return set()
