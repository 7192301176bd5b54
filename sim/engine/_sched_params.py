"""Parameters of the kube-scheduler simulator: the YAML scenario, its validation and the canonical query.

A scenario uses Kubernetes field names so that parts of real manifests can be pasted. Nodes and
the Pod are accepted flat (`labels`, `taints`, `allocatable` next to each other) or shaped like
the API objects (`metadata`, `spec`, `status.allocatable`). Validation follows the API server
where the simulator models a field (pkg/apis/core/validation/validation.go: validateTaints,
validateTolerations, ValidateNodeSelectorRequirement, ValidatePreferredSchedulingTerms,
ValidateLabels / IsQualifiedName, ValidateResourceRequirements); fields it does not model are
listed as ignored rather than refused. Every problem is reported with its path, for example
`nodes[2].taints[0].effect`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import yaml

from ._sched_quantity import QuantityError, format_cpu, format_memory, milli_value, parse_quantity, value
from .errors import ParamError

MAX_SCENARIO_BYTES = 16 * 1024
MAX_NODES = 50
MAX_PODS_PER_NODE = 110
MAX_ITEMS = 50
# Whole-scenario budgets: YAML aliases can repeat one list many times within 16 KB.
MAX_LISTED_PODS = 500
MAX_CONTAINERS = 2000
MAX_SEED = 2**31 - 1
DEFAULT_MAX_PODS = 110
INT32_MAX = 2**31 - 1
LEAST_ALLOCATED = "LeastAllocated"
MOST_ALLOCATED = "MostAllocated"
STRATEGIES = (LEAST_ALLOCATED, MOST_ALLOCATED)
TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
TOLERATION_OPERATORS = ("Equal", "Exists")
SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt")
PREEMPTION_POLICIES = ("PreemptLowerPriority", "Never")
PARAM_NAMES = ("preset", "scenario", "strategy", "seed")

# LibYAML's loader builds the same objects as yaml.SafeLoader about seven times faster.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NAME = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_INTEGER = re.compile(r"[+-]?[0-9]+")


@dataclass(frozen=True)
class Taint:
    key: str
    value: str
    effect: str

    def to_dict(self) -> dict:
        return {"key": self.key, "value": self.value, "effect": self.effect}


@dataclass(frozen=True)
class Toleration:
    key: str
    operator: str
    value: str
    effect: str

    def tolerates(self, taint: Taint) -> bool:
        """core/v1 Toleration.ToleratesTaint (staging/src/k8s.io/api/core/v1/toleration.go)."""
        if self.effect and self.effect != taint.effect:
            return False
        if self.key and self.key != taint.key:
            return False
        if self.operator == "Exists":
            return True
        return self.value == taint.value

    def to_dict(self) -> dict:
        return {"key": self.key, "operator": self.operator, "value": self.value, "effect": self.effect}


@dataclass(frozen=True)
class Requirement:
    key: str
    operator: str
    values: tuple[str, ...]

    def matches(self, labels: Mapping[str, str]) -> bool:
        """A NodeSelectorRequirement as component-helpers/scheduling/corev1/nodeaffinity reads it."""
        present = self.key in labels
        if self.operator == "In":
            return present and labels[self.key] in self.values
        if self.operator == "NotIn":
            return not present or labels[self.key] not in self.values
        if self.operator == "Exists":
            return present
        if self.operator == "DoesNotExist":
            return not present
        if not present or not _INTEGER.fullmatch(labels[self.key]):
            return False
        label_number, bound = int(labels[self.key]), int(self.values[0])
        return label_number > bound if self.operator == "Gt" else label_number < bound


@dataclass(frozen=True)
class Term:
    """A NodeSelectorTerm: matchExpressions on labels and matchFields on metadata.name, all ANDed.

    A term with neither matches no node (component-helpers nodeaffinity nodeSelectorTerms).
    """

    requirements: tuple[Requirement, ...]
    fields: tuple[Requirement, ...] = ()

    def matches(self, labels: Mapping[str, str], node_name: str = "") -> bool:
        if not self.requirements and not self.fields:
            return False
        name = {"metadata.name": node_name}
        return all(r.matches(labels) for r in self.requirements) and all(f.matches(name) for f in self.fields)

    def node_names(self) -> set[str] | None:
        """The node names this term pins with matchFields metadata.name In (their intersection), or None."""
        names = None
        for requirement in self.fields:
            if requirement.operator == "In":
                names = set(requirement.values) if names is None else names & set(requirement.values)
        return names


@dataclass(frozen=True)
class Preferred:
    weight: int
    term: Term


@dataclass(frozen=True)
class Requests:
    """One container's requests: millicores and bytes; None where the request is missing."""

    cpu_m: int | None = None
    memory: int | None = None


@dataclass(frozen=True)
class RunningPod:
    """A pod already bound to a node."""

    name: str
    priority: int
    containers: tuple[Requests, ...]
    init_containers: tuple[Requests, ...] = ()


@dataclass(frozen=True)
class PodSpec:
    """The Pod being scheduled."""

    name: str = "web"
    namespace: str = "default"
    containers: tuple[Requests, ...] = (Requests(),)
    init_containers: tuple[Requests, ...] = ()
    priority: int = 0
    preemption_policy: str = "PreemptLowerPriority"
    node_selector: tuple[tuple[str, str], ...] = ()
    required: tuple[Term, ...] | None = None
    preferred: tuple[Preferred, ...] = ()
    tolerations: tuple[Toleration, ...] = ()
    node_name: str = ""


@dataclass(frozen=True)
class Node:
    name: str
    allocatable_cpu_m: int
    allocatable_memory: int
    allocatable_pods: int
    requested_cpu_m: int = 0
    requested_memory: int = 0
    requested_pods: int = 0
    labels: tuple[tuple[str, str], ...] = ()
    taints: tuple[Taint, ...] = ()
    unschedulable: bool = False
    pods: tuple[RunningPod, ...] = ()

    @property
    def label_map(self) -> dict[str, str]:
        return dict(self.labels)


@dataclass(frozen=True)
class Cluster:
    nodes: tuple[Node, ...]
    pod: PodSpec
    ignored: tuple[str, ...] = ()


@dataclass(frozen=True)
class Params:
    """A validated run: the scenario text or a preset's name, the scoring strategy and the seed."""

    preset: str = ""
    scenario: str = ""
    strategy: str = LEAST_ALLOCATED
    seed: int = 0
    cluster: Cluster = field(default=None, compare=False, repr=False)

    def to_query(self) -> dict[str, str]:
        """Every parameter as a canonical string, suitable for a URL and as a cache key."""
        return {"preset": self.preset, "scenario": self.scenario, "strategy": self.strategy, "seed": str(self.seed)}

    @property
    def scenario_text(self) -> str:
        """The YAML the run used: the scenario, or the preset's YAML."""
        from ._sched_presets import PRESETS

        return self.scenario or PRESETS[self.preset].yaml


# --- reading -----------------------------------------------------------------------------------


class _Reader:
    """Walks the parsed YAML, collecting one message per bad path and the paths it ignores."""

    def __init__(self):
        self.errors: dict[str, str] = {}
        self.ignored: list[str] = []
        self.pods = 0
        self.containers = 0

    def spend(self, what, count, limit, path) -> bool:
        """Count `count` more pods or containers; False (and an error at `path`) once over `limit`."""
        total = getattr(self, what) + count
        setattr(self, what, total)
        if total > limit:
            self.error(path, f"at most {limit} {what} in the whole scenario in this simulator")
            return False
        return True

    def error(self, path, message):
        self.errors.setdefault(path, message)

    def mapping(self, raw, path, known) -> dict:
        if raw is None:
            return {}
        if not isinstance(raw, Mapping):
            self.error(path, "must be a mapping")
            return {}
        result = {}
        for key, item in raw.items():
            if not isinstance(key, str):
                self.error(f"{path}.{key}" if path else str(key), "field names must be strings")
            elif key in known:
                result[key] = item
            elif len(self.ignored) < 30:
                self.ignored.append(f"{path}.{key}" if path else key)
        return result

    def sequence(self, raw, path, limit=MAX_ITEMS) -> list:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.error(path, "must be a list")
            return []
        if len(raw) > limit:
            self.error(path, f"at most {limit} items in this simulator")
            return []
        return raw

    def text(self, raw, path, *, default="", allow_int=False) -> str:
        if raw is None:
            return default
        if isinstance(raw, bool) or not isinstance(raw, (str, int)) or (isinstance(raw, int) and not allow_int):
            self.error(path, "must be a string" + (' (quote it, for example "true")' if isinstance(raw, bool) else ""))
            return default
        return str(raw)

    def integer(self, raw, path, *, default, minimum, maximum) -> int:
        if raw is None:
            return default
        if isinstance(raw, bool) or not isinstance(raw, (int, str)) or (isinstance(raw, str) and not _INTEGER.fullmatch(raw.strip())):
            self.error(path, "must be a whole number")
            return default
        number = int(raw)
        if not minimum <= number <= maximum:
            self.error(path, f"must be between {minimum} and {maximum}")
            return default
        return number

    def boolean(self, raw, path) -> bool:
        if raw is None:
            return False
        if not isinstance(raw, bool):
            self.error(path, "must be true or false")
            return False
        return raw

    def choice(self, raw, path, choices, *, default) -> str:
        if raw is None or raw == "":
            return default
        if raw not in choices:
            self.error(path, f'Unsupported value: "{raw}": supported values: "' + '", "'.join(choices) + '"')
            return default
        return raw

    def quantity(self, raw, path, *, milli=False) -> int | None:
        try:
            amount = parse_quantity(raw)
        except QuantityError as exc:
            self.error(path, str(exc))
            return None
        return milli_value(amount) if milli else value(amount)

    def qualified_name(self, raw, path, *, required=True) -> str:
        name = self.text(raw, path)
        if not name:
            if required:
                self.error(path, "Required value")
            return ""
        problem = qualified_name_error(name)
        if problem:
            self.error(path, problem)
        return name

    def label_value(self, raw, path) -> str:
        label = self.text(raw, path, allow_int=True)
        if label and (len(label) > 63 or not _NAME.fullmatch(label)):
            self.error(path, "a valid label must be an empty string or consist of alphanumeric characters, "
                             "'-', '_' or '.', and must start and end with an alphanumeric character (at most 63)")
        return label


def qualified_name_error(name: str) -> str | None:
    """validation.IsQualifiedName: an optional DNS-subdomain prefix and '/', then a name of at most 63 characters."""
    prefix, _, short = name.rpartition("/")
    if "/" in name and (not prefix or len(prefix) > 253 or not _DNS_SUBDOMAIN.fullmatch(prefix)):
        return "prefix part must be a lowercase RFC 1123 subdomain"
    if not short or len(short) > 63 or not _NAME.fullmatch(short):
        return ("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                "with an alphanumeric character (at most 63)")
    return None


def _labels(reader, raw, path) -> tuple[tuple[str, str], ...]:
    labels = {}
    if raw is None:
        return ()
    if not isinstance(raw, Mapping):
        reader.error(path, "must be a mapping of label keys to values")
        return ()
    mapping = raw
    if len(mapping) > MAX_ITEMS:
        reader.error(path, f"at most {MAX_ITEMS} labels in this simulator")
        return ()
    for key, item in mapping.items():
        key_path = f"{path}.{key}"
        if not isinstance(key, str):
            reader.error(key_path, "label keys must be strings")
            continue
        problem = qualified_name_error(key)
        if problem:
            reader.error(key_path, problem)
            continue
        labels[key] = reader.label_value(item, key_path)
    return tuple(labels.items())


def _requests(reader, raw, path) -> Requests:
    values = reader.mapping(raw, path, {"cpu", "memory", "pods", "ephemeral-storage"})
    cpu = reader.quantity(values["cpu"], f"{path}.cpu", milli=True) if "cpu" in values else None
    memory = reader.quantity(values["memory"], f"{path}.memory") if "memory" in values else None
    for name in ("pods", "ephemeral-storage"):
        if name in values:
            reader.ignored.append(f"{path}.{name}")
    return Requests(cpu, memory)


def _containers(reader, raw, path) -> tuple[Requests, ...]:
    containers = []
    items = reader.sequence(raw, path, limit=20)
    if not reader.spend("containers", len(items), MAX_CONTAINERS, path):
        return ()
    for i, item in enumerate(items):
        item_path = f"{path}[{i}]"
        container = reader.mapping(item, item_path, {"name", "resources"})
        resources = reader.mapping(container.get("resources"), f"{item_path}.resources", {"requests", "limits"})
        requests = _requests(reader, resources.get("requests"), f"{item_path}.resources.requests")
        limits = _requests(reader, resources.get("limits"), f"{item_path}.resources.limits")
        containers.append(_default_requests(reader, requests, limits, f"{item_path}.resources"))
    return tuple(containers)


def _default_requests(reader, requests: Requests, limits: Requests, path) -> Requests:
    """API defaulting and validation of one container's requests against its limits.

    pkg/apis/core/v1/defaults.go SetDefaults_Pod: a resource with a limit and no request gets the
    limit as its request. ValidateResourceRequirements: a request may not exceed its limit.
    """
    cpu = limits.cpu_m if requests.cpu_m is None else requests.cpu_m
    memory = limits.memory if requests.memory is None else requests.memory
    for name, request, limit, text in (("cpu", requests.cpu_m, limits.cpu_m, format_cpu),
                                       ("memory", requests.memory, limits.memory, format_memory)):
        if request is not None and limit is not None and request > limit:
            reader.error(f"{path}.requests.{name}", f"must be less than or equal to {name} limit of {text(limit)}")
    return Requests(cpu, memory)


def _pod_containers(reader, values, path) -> tuple[tuple[Requests, ...], tuple[Requests, ...]]:
    """`requests` / `limits` (one container) or `containers` and `initContainers`; none means one container without requests."""
    if ("requests" in values or "limits" in values) and "containers" in values:
        reader.error(f"{path}.requests", "give either requests (one container) or containers, not both")
    if "containers" in values:
        containers = _containers(reader, values["containers"], f"{path}.containers")
    elif "requests" in values or "limits" in values:
        requests = _requests(reader, values.get("requests"), f"{path}.requests")
        limits = _requests(reader, values.get("limits"), f"{path}.limits")
        containers = (_default_requests(reader, requests, limits, path),)
    else:
        containers = (Requests(),)
    init = _containers(reader, values.get("initContainers"), f"{path}.initContainers")
    return containers, init


def _flatten(reader, raw, path, *, spec_keys) -> dict:
    """Merge an API-shaped object (metadata/spec/status) into the flat form."""
    if not isinstance(raw, Mapping):
        reader.error(path, "must be a mapping")
        return {}
    if not any(k in raw for k in ("metadata", "spec", "status")):
        return dict(raw)
    flat = {k: v for k, v in raw.items() if k not in ("metadata", "spec", "status", "apiVersion", "kind")}
    metadata = reader.mapping(raw.get("metadata"), f"{path}.metadata", {"name", "namespace", "labels"})
    flat.update(metadata)
    spec = raw.get("spec")
    if isinstance(spec, Mapping):
        flat.update({k: v for k, v in spec.items() if k in spec_keys})
        reader.ignored.extend(f"{path}.spec.{k}" for k in spec if k not in spec_keys and isinstance(k, str))
    status = raw.get("status")
    if isinstance(status, Mapping) and "allocatable" in status:
        flat["allocatable"] = status["allocatable"]
    return flat


def _taints(reader, raw, path) -> tuple[Taint, ...]:
    taints, seen = [], set()
    for i, item in enumerate(reader.sequence(raw, path, limit=20)):
        item_path = f"{path}[{i}]"
        values = reader.mapping(item, item_path, {"key", "value", "effect", "timeAdded"})
        key = reader.qualified_name(values.get("key"), f"{item_path}.key")
        taint_value = reader.label_value(values.get("value"), f"{item_path}.value")
        effect = values.get("effect")
        if not effect:
            reader.error(f"{item_path}.effect", "Required value")
        else:
            effect = reader.choice(effect, f"{item_path}.effect", TAINT_EFFECTS, default="")
        if (key, effect) in seen and key and effect:
            reader.error(item_path, "taints must be unique by key and effect pair")
        seen.add((key, effect))
        taints.append(Taint(key, taint_value, effect or ""))
    return tuple(taints)


def _tolerations(reader, raw, path) -> tuple[Toleration, ...]:
    tolerations = []
    for i, item in enumerate(reader.sequence(raw, path)):
        item_path = f"{path}[{i}]"
        values = reader.mapping(item, item_path, {"key", "operator", "value", "effect", "tolerationSeconds"})
        key = reader.qualified_name(values.get("key"), f"{item_path}.key", required=False)
        operator = values.get("operator") or "Equal"
        if operator in ("Gt", "Lt"):
            reader.error(f"{item_path}.operator", "Gt and Lt need the alpha TaintTolerationComparisonOperators "
                                                  "feature gate, which is off by default")
        operator = reader.choice(operator, f"{item_path}.operator", TOLERATION_OPERATORS, default="Equal")
        toleration_value = reader.label_value(values.get("value"), f"{item_path}.value")
        effect = reader.choice(values.get("effect"), f"{item_path}.effect", TAINT_EFFECTS, default="")
        if not key and operator != "Exists":
            reader.error(f"{item_path}.operator", "operator must be Exists when `key` is empty, which means "
                                                  '"match all values and all keys"')
        if operator == "Exists" and toleration_value:
            reader.error(f"{item_path}.operator", "value must be empty when `operator` is 'Exists'")
        if "tolerationSeconds" in values and effect != "NoExecute":
            reader.error(f"{item_path}.effect", "effect must be 'NoExecute' when `tolerationSeconds` is set")
        tolerations.append(Toleration(key, operator, toleration_value, effect))
    return tuple(tolerations)


def _term(reader, raw, path) -> Term:
    values = reader.mapping(raw, path, {"matchExpressions", "matchFields"})
    fields = []
    for i, item in enumerate(reader.sequence(values.get("matchFields"), f"{path}.matchFields")):
        item_path = f"{path}.matchFields[{i}]"
        expr = reader.mapping(item, item_path, {"key", "operator", "values"})
        if expr.get("key") != "metadata.name":
            reader.error(f"{item_path}.key", 'Unsupported value: supported values: "metadata.name"')
        operator = reader.choice(expr.get("operator") or "?", f"{item_path}.operator", ("In", "NotIn"), default="In")
        raw_values = reader.sequence(expr.get("values"), f"{item_path}.values")
        if len(raw_values) != 1:
            reader.error(f"{item_path}.values", "must be only one value when `operator` is 'In' or 'NotIn' for "
                                                "node field selector")
        fields.append(Requirement("metadata.name", operator,
                                  tuple(reader.text(v, f"{item_path}.values[{j}]") for j, v in enumerate(raw_values))))
    requirements = []
    for i, item in enumerate(reader.sequence(values.get("matchExpressions"), f"{path}.matchExpressions")):
        item_path = f"{path}.matchExpressions[{i}]"
        expr = reader.mapping(item, item_path, {"key", "operator", "values"})
        key = reader.qualified_name(expr.get("key"), f"{item_path}.key")
        operator = expr.get("operator")
        if not operator:
            reader.error(f"{item_path}.operator", "Required value")
        operator = reader.choice(operator, f"{item_path}.operator", SELECTOR_OPERATORS, default="")
        raw_values = reader.sequence(expr.get("values"), f"{item_path}.values")
        texts = tuple(reader.label_value(v, f"{item_path}.values[{j}]") for j, v in enumerate(raw_values))
        if operator in ("In", "NotIn") and not texts:
            reader.error(f"{item_path}.values", "must be specified when `operator` is 'In' or 'NotIn'")
        elif operator in ("Exists", "DoesNotExist") and texts:
            reader.error(f"{item_path}.values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
        elif operator in ("Gt", "Lt") and (len(texts) != 1 or not _INTEGER.fullmatch(texts[0])):
            reader.error(f"{item_path}.values", "must be specified single value when `operator` is 'Lt' or 'Gt', "
                                                "and it must be an integer")
        requirements.append(Requirement(key, operator, texts))
    term = Term(tuple(requirements), tuple(fields))
    if term.node_names() == set():
        reader.error(f"{path}.matchFields", "metadata.name In values that never meet: not modelled by this simulator")
    return term


def _affinity(reader, raw, path):
    affinity = reader.mapping(raw, path, {"nodeAffinity"})
    node_affinity = reader.mapping(affinity.get("nodeAffinity"), f"{path}.nodeAffinity", {
        "requiredDuringSchedulingIgnoredDuringExecution", "preferredDuringSchedulingIgnoredDuringExecution"})
    required = None
    required_key = "requiredDuringSchedulingIgnoredDuringExecution"
    if node_affinity.get(required_key) is not None:
        required_path = f"{path}.nodeAffinity.{required_key}"
        selector = reader.mapping(node_affinity[required_key], required_path, {"nodeSelectorTerms"})
        terms_raw = reader.sequence(selector.get("nodeSelectorTerms"), f"{required_path}.nodeSelectorTerms", limit=10)
        if not terms_raw:
            reader.error(f"{required_path}.nodeSelectorTerms", "must have at least one node selector term")
        required = tuple(_term(reader, t, f"{required_path}.nodeSelectorTerms[{i}]") for i, t in enumerate(terms_raw))
    preferred = []
    preferred_key = "preferredDuringSchedulingIgnoredDuringExecution"
    for i, item in enumerate(reader.sequence(node_affinity.get(preferred_key), f"{path}.nodeAffinity.{preferred_key}",
                                             limit=10)):
        item_path = f"{path}.nodeAffinity.{preferred_key}[{i}]"
        values = reader.mapping(item, item_path, {"weight", "preference"})
        weight = reader.integer(values.get("weight"), f"{item_path}.weight", default=0, minimum=1, maximum=100)
        if values.get("weight") is None:
            reader.error(f"{item_path}.weight", "must be in the range 1-100")
        preferred.append(Preferred(weight, _term(reader, values.get("preference"), f"{item_path}.preference")))
    return required, tuple(preferred)


def _pod(reader, raw) -> PodSpec:
    keys = {"name", "namespace", "requests", "limits", "containers", "initContainers", "nodeSelector", "affinity",
            "tolerations", "nodeName", "priority", "preemptionPolicy", "labels"}
    flat = _flatten(reader, raw, "pod", spec_keys=keys)
    values = reader.mapping(flat, "pod", keys)
    name = reader.text(values.get("name"), "pod.name", default="web") or "web"
    namespace = reader.text(values.get("namespace"), "pod.namespace", default="default") or "default"
    containers, init = _pod_containers(reader, values, "pod")
    node_selector = _labels(reader, values.get("nodeSelector"), "pod.nodeSelector")
    required, preferred = _affinity(reader, values.get("affinity"), "pod.affinity")
    return PodSpec(
        name=name,
        namespace=namespace,
        containers=containers,
        init_containers=init,
        priority=reader.integer(values.get("priority"), "pod.priority", default=0, minimum=-INT32_MAX - 1,
                                maximum=INT32_MAX),
        preemption_policy=reader.choice(values.get("preemptionPolicy"), "pod.preemptionPolicy", PREEMPTION_POLICIES,
                                        default="PreemptLowerPriority"),
        node_selector=node_selector,
        required=required,
        preferred=preferred,
        tolerations=_tolerations(reader, values.get("tolerations"), "pod.tolerations"),
        node_name=reader.text(values.get("nodeName"), "pod.nodeName"),
    )


def _running_pods(reader, raw, path) -> tuple[RunningPod, ...]:
    pods = []
    items = reader.sequence(raw, path, limit=MAX_PODS_PER_NODE)
    if not reader.spend("pods", len(items), MAX_LISTED_PODS, path):
        return ()
    for i, item in enumerate(items):
        item_path = f"{path}[{i}]"
        keys = {"name", "priority", "requests", "limits", "containers", "initContainers"}
        values = reader.mapping(_flatten(reader, item, item_path, spec_keys=keys), item_path, keys)
        name = reader.text(values.get("name"), f"{item_path}.name", default=f"pod-{i + 1}") or f"pod-{i + 1}"
        containers, init = _pod_containers(reader, values, item_path)
        priority = reader.integer(values.get("priority"), f"{item_path}.priority", default=0,
                                  minimum=-INT32_MAX - 1, maximum=INT32_MAX)
        pods.append(RunningPod(name, priority, containers, init))
    return tuple(pods)


def _node(reader, raw, i, names) -> Node | None:
    path = f"nodes[{i}]"
    keys = {"name", "allocatable", "requested", "labels", "taints", "unschedulable", "pods"}
    flat = _flatten(reader, raw, path, spec_keys={"taints", "unschedulable"})
    values = reader.mapping(flat, path, keys)
    name = reader.text(values.get("name"), f"{path}.name")
    if not name:
        reader.error(f"{path}.name", "Required value")
    elif len(name) > 253 or not _DNS_SUBDOMAIN.fullmatch(name):
        reader.error(f"{path}.name", "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                                     "characters, '-' or '.', and must start and end with an alphanumeric character")
    elif name in names:
        reader.error(f"{path}.name", f'Duplicate value: "{name}"')
    names.add(name)
    allocatable = reader.mapping(values.get("allocatable"), f"{path}.allocatable", {"cpu", "memory", "pods",
                                                                                    "ephemeral-storage"})
    for resource in ("cpu", "memory"):
        if resource not in allocatable:
            reader.error(f"{path}.allocatable.{resource}", "Required value")
    cpu = reader.quantity(allocatable.get("cpu"), f"{path}.allocatable.cpu", milli=True) if "cpu" in allocatable else 0
    memory = reader.quantity(allocatable.get("memory"), f"{path}.allocatable.memory") if "memory" in allocatable else 0
    pods_allowed = DEFAULT_MAX_PODS
    if "pods" in allocatable:
        pods_allowed = reader.integer(allocatable["pods"], f"{path}.allocatable.pods", default=DEFAULT_MAX_PODS,
                                      minimum=0, maximum=10_000)
    requested = reader.mapping(values.get("requested"), f"{path}.requested", {"cpu", "memory", "pods"})
    req_cpu = reader.quantity(requested["cpu"], f"{path}.requested.cpu", milli=True) if "cpu" in requested else 0
    req_memory = reader.quantity(requested["memory"], f"{path}.requested.memory") if "memory" in requested else 0
    req_pods = reader.integer(requested.get("pods"), f"{path}.requested.pods", default=0, minimum=0, maximum=10_000)
    return Node(
        name=name,
        allocatable_cpu_m=cpu or 0,
        allocatable_memory=memory or 0,
        allocatable_pods=pods_allowed,
        requested_cpu_m=req_cpu or 0,
        requested_memory=req_memory or 0,
        requested_pods=req_pods,
        labels=_labels(reader, values.get("labels"), f"{path}.labels"),
        taints=_taints(reader, values.get("taints"), f"{path}.taints"),
        unschedulable=reader.boolean(values.get("unschedulable"), f"{path}.unschedulable"),
        pods=_running_pods(reader, values.get("pods"), f"{path}.pods"),
    )


def load_scenario(text: str) -> Cluster:
    """Parse and validate scenario YAML; ParamError maps each bad path to a message."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_SCENARIO_BYTES:
        raise ParamError({"scenario": f"must be at most {MAX_SCENARIO_BYTES // 1024} KB"})
    try:
        document = yaml.load(text, Loader=_SAFE_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ParamError({"scenario": f"is not valid YAML{where}: {exc.problem or exc}"}) from None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError) as exc:
        raise ParamError({"scenario": f"is not valid YAML: {type(exc).__name__}"}) from None
    if not isinstance(document, Mapping):
        raise ParamError({"scenario": "must be a YAML mapping with `nodes` and `pod`"})
    reader = _Reader()
    top = reader.mapping(document, "", {"nodes", "pod"})
    raw_nodes = top.get("nodes")
    if not raw_nodes:
        reader.error("nodes", "Required value: at least one node")
    nodes, names = [], set()
    for i, raw in enumerate(reader.sequence(raw_nodes, "nodes", limit=MAX_NODES)):
        nodes.append(_node(reader, raw, i, names))
    pod = _pod(reader, top.get("pod") or {})
    if reader.errors:
        raise ParamError(reader.errors)
    return Cluster(tuple(nodes), pod, tuple(dict.fromkeys(reader.ignored)))


@lru_cache(maxsize=64)
def cached_scenario(text: str) -> Cluster:
    """load_scenario, remembered: pages, htmx re-runs and the API parse the same few scenarios again and again.

    A Cluster is frozen all the way down, so runs can share it; invalid text raises every time.
    """
    return load_scenario(text)


def parse_params(raw: Mapping[str, object]) -> Params:
    """Validate raw query-string or YAML values into Params; ParamError names every bad field."""
    from ._sched_presets import DEFAULT_PRESET, PRESETS

    if not isinstance(raw, Mapping):
        raise ParamError({"params": "must be a mapping of parameter names to values"})
    errors = {}
    for key in raw:
        if key not in PARAM_NAMES:
            errors[str(key)] = f"unknown parameter; expected one of {', '.join(PARAM_NAMES)}"
    preset = raw.get("preset")
    preset = preset.strip() if isinstance(preset, str) else preset
    scenario = raw.get("scenario")
    if scenario is not None and not isinstance(scenario, str):
        errors["scenario"] = "must be YAML text"
        scenario = None
    scenario = (scenario or "").replace("\r\n", "\n").strip()
    if preset and scenario:
        errors["preset"] = "give either a preset or a scenario, not both"
    elif preset and preset not in PRESETS:
        errors["preset"] = f"unknown preset; expected one of {', '.join(PRESETS)}"
    strategy = raw.get("strategy") or LEAST_ALLOCATED
    if strategy not in STRATEGIES:
        errors["strategy"] = f"must be one of {', '.join(STRATEGIES)}"
    seed_raw = raw.get("seed")
    seed = 0
    if seed_raw not in (None, ""):
        text = str(seed_raw).strip() if not isinstance(seed_raw, bool) else "x"
        if not _INTEGER.fullmatch(text) or len(text) > 12 or not 0 <= int(text) <= MAX_SEED:
            errors["seed"] = f"must be a whole number from 0 to {MAX_SEED}"
        else:
            seed = int(text)
    if errors:
        raise ParamError(errors)
    if not scenario and not preset:
        preset = DEFAULT_PRESET
    cluster = cached_scenario(scenario or PRESETS[preset].yaml)
    return Params(preset=preset or "", scenario=scenario, strategy=strategy, seed=seed, cluster=cluster)
