"""Roles, bindings and service accounts as kubectl describes them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .events import describe_events, events_about
from .format import go_v
from .metadata import print_annotations, print_labels
from .writer import LEVEL_0, LEVEL_1, PrefixWriter, tabbed

if TYPE_CHECKING:
    from ktui.client import Client

TOKEN_TYPE = "kubernetes.io/service-account-token"
SA_NAME = "kubernetes.io/service-account.name"
SA_UID = "kubernetes.io/service-account.uid"
Rule = dict[str, list[str]]
_FIELDS = ("verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs")


def breakdown(rule: dict[str, Any]) -> list[Rule]:
    """rbac.BreakdownRule: one rule per group, resource, verb and resource name."""
    out: list[Rule] = []
    verbs = rule.get("verbs") or []
    names = rule.get("resourceNames") or []
    for group in rule.get("apiGroups") or []:
        for resource in rule.get("resources") or []:
            for verb in verbs:
                base = {"apiGroups": [group], "resources": [resource], "verbs": [verb]}
                out += [{**base, "resourceNames": [n]} for n in names] if names else [base]
    for url in rule.get("nonResourceURLs") or []:
        out += [{"nonResourceURLs": [url], "verbs": [verb]} for verb in verbs]
    return out


def compact(rules: list[Rule]) -> list[Rule]:
    """rbac.CompactRules (simple rules that differ only by verb merge), then sorted as
    kubectl sorts them: by the Go String() of each PolicyRule."""
    compacted: list[Rule] = []
    simple: dict[tuple[str, str, str | None], Rule] = {}
    for rule in rules:
        names = rule.get("resourceNames") or []
        if rule.get("nonResourceURLs") or len(names) > 1:
            compacted.append(rule)
            continue
        if len(rule.get("apiGroups") or []) != 1 or len(rule.get("resources") or []) != 1:
            compacted.append(rule)
            continue
        key = (rule["apiGroups"][0], rule["resources"][0], names[0] if names else None)
        if key in simple:
            for verb in rule.get("verbs") or []:
                if verb not in simple[key]["verbs"]:
                    simple[key]["verbs"].append(verb)
        else:
            simple[key] = {k: list(v) for k, v in rule.items()}
    compacted += simple.values()
    return sorted(compacted, key=_go_string)


def _go_string(rule: Rule) -> str:
    parts = "".join(f"{_title(f)}:{go_v(rule.get(f) or [])}," for f in _FIELDS)
    return f"&PolicyRule{{{parts}}}"


def _title(field: str) -> str:
    return {"apiGroups": "APIGroups", "nonResourceURLs": "NonResourceURLs"}.get(
        field, field[:1].upper() + field[1:]
    )


def _resource_group(resources: list[str], groups: list[str]) -> str:
    """CombineResourceGroup: `deployments.apps`, `pods/log`."""
    if not resources:
        return ""
    name, _, sub = resources[0].partition("/")
    if groups and groups[0]:
        name = f"{name}.{groups[0]}"
    return f"{name}/{sub}" if sub else name


async def describe_role(client: Client, ref: Any) -> str:
    resource = client.bind(ref.resource)
    role = await resource.get(ref.name, ref.namespace)
    meta = role.get("metadata") or {}
    rules = compact([sub for rule in role.get("rules") or [] for sub in breakdown(rule)])

    def build(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, "PolicyRule:\n")
        w.write(LEVEL_1, "Resources\tNon-Resource URLs\tResource Names\tVerbs\n")
        w.write(LEVEL_1, "---------\t-----------------\t--------------\t-----\n")
        for r in rules:
            w.write(
                LEVEL_1,
                f"{_resource_group(r.get('resources') or [], r.get('apiGroups') or [])}"
                f"\t{go_v(r.get('nonResourceURLs') or [])}\t{go_v(r.get('resourceNames') or [])}"
                f"\t{go_v(r.get('verbs') or [])}\n",
            )

    return tabbed(build)


async def describe_binding(client: Client, ref: Any) -> str:
    binding = await client.bind(ref.resource).get(ref.name, ref.namespace)
    meta = binding.get("metadata") or {}
    role = binding.get("roleRef") or {}

    def build(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, "Role:\n")
        w.write(LEVEL_1, f"Kind:\t{role.get('kind', '')}\n")
        w.write(LEVEL_1, f"Name:\t{role.get('name', '')}\n")
        w.write(LEVEL_0, "Subjects:\n")
        w.write(LEVEL_1, "Kind\tName\tNamespace\n")
        w.write(LEVEL_1, "----\t----\t---------\n")
        for s in binding.get("subjects") or []:
            w.write(
                LEVEL_1, f"{s.get('kind', '')}\t{s.get('name', '')}\t{s.get('namespace', '')}\n"
            )

    return tabbed(build)


async def describe_service_account(client: Client, ref: Any) -> str:
    account = await client.bind(ref.resource).get(ref.name, ref.namespace)
    meta = account.get("metadata") or {}
    tokens: list[str] = []
    missing: set[str] = set()
    try:
        secrets = (await (await client.resource("v1/secrets")).list(meta.get("namespace"))).items
    except Exception:  # noqa: BLE001 - kubectl describes the account even without secrets
        secrets = None
    if secrets is not None:
        existing = {(s.get("metadata") or {}).get("name") for s in secrets}
        for secret in secrets:
            notes = (secret.get("metadata") or {}).get("annotations") or {}
            if (
                secret.get("type") == TOKEN_TYPE
                and notes.get(SA_NAME) == meta.get("name")
                and notes.get(SA_UID) == meta.get("uid")
            ):
                tokens.append(secret["metadata"]["name"])
        for ref_ in [*(account.get("secrets") or []), *(account.get("imagePullSecrets") or [])]:
            if ref_.get("name") not in existing:
                missing.add(ref_.get("name"))
    events = await events_about(client, account, "ServiceAccount")
    sections = {
        "Image pull secrets:": [s.get("name", "") for s in account.get("imagePullSecrets") or []],
        "Mountable secrets: ": [s.get("name", "") for s in account.get("secrets") or []],
        "Tokens:            ": tokens,
    }

    def build(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        for header in sorted(sections):
            names = sections[header]
            if not names:
                w.write(LEVEL_0, f"{header}\t<none>\n")
                continue
            prefix = header
            for name in names:
                suffix = " (not found)" if name in missing else ""
                w.write(LEVEL_0, f"{prefix}\t{name}{suffix}\n")
                prefix = " " * len(header)
        describe_events(events, w)

    return tabbed(build)
