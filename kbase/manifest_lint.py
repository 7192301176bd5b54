"""Lint the code blocks in answers: manifests Kubernetes still serves, kubectl flags it still has.

Every fenced ``yaml`` block must parse, and each document's ``apiVersion``/``kind`` pair must be
one the current Kubernetes release serves. Every fenced ``bash``/``shell``/``sh``/``console``
block is checked for kubectl flags and commands that were removed. A block that deliberately
shows something outdated says so on its first line with a comment the linter recognises::

    # outdated: removed in 1.16

Sources: https://kubernetes.io/docs/reference/using-api/deprecation-guide/ and the
`kubectl` reference (https://kubernetes.io/docs/reference/kubectl/generated/).
"""

import re
from dataclasses import dataclass

import yaml

CURRENT_KUBERNETES = "1.37"

# Built-in API groups whose versions we know in full. A group not listed here (a CRD's
# group, such as monitoring.coreos.com) is not judged.
SERVED = {
    "v1": {
        "Binding", "ConfigMap", "Endpoints", "Event", "LimitRange", "Namespace", "Node", "PersistentVolume",
        "PersistentVolumeClaim", "Pod", "PodTemplate", "ReplicationController", "ResourceQuota", "Secret",
        "Service", "ServiceAccount", "List",
    },
    "apps/v1": {"ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"},
    "batch/v1": {"CronJob", "Job"},
    "autoscaling/v1": {"HorizontalPodAutoscaler", "Scale"},
    "autoscaling/v2": {"HorizontalPodAutoscaler"},
    "policy/v1": {"Eviction", "PodDisruptionBudget"},
    "networking.k8s.io/v1": {"Ingress", "IngressClass", "IPAddress", "NetworkPolicy", "ServiceCIDR"},
    "discovery.k8s.io/v1": {"EndpointSlice"},
    "rbac.authorization.k8s.io/v1": {"ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"},
    "storage.k8s.io/v1": {
        "CSIDriver", "CSINode", "CSIStorageCapacity", "StorageClass", "VolumeAttachment", "VolumeAttributesClass",
    },
    "scheduling.k8s.io/v1": {"PriorityClass"},
    "coordination.k8s.io/v1": {"Lease"},
    "node.k8s.io/v1": {"RuntimeClass"},
    "events.k8s.io/v1": {"Event"},
    "certificates.k8s.io/v1": {"CertificateSigningRequest"},
    "admissionregistration.k8s.io/v1": {
        "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding", "MutatingWebhookConfiguration",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "ValidatingWebhookConfiguration",
    },
    "apiextensions.k8s.io/v1": {"CustomResourceDefinition"},
    "apiregistration.k8s.io/v1": {"APIService"},
    "authentication.k8s.io/v1": {"SelfSubjectReview", "TokenRequest", "TokenReview"},
    "authorization.k8s.io/v1": {
        "LocalSubjectAccessReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview", "SubjectAccessReview",
    },
    "flowcontrol.apiserver.k8s.io/v1": {"FlowSchema", "PriorityLevelConfiguration"},
    "resource.k8s.io/v1": {"DeviceClass", "ResourceClaim", "ResourceClaimTemplate", "ResourceSlice"},
    # Component configuration files (not served by the API server, read by the components).
    "kubelet.config.k8s.io/v1beta1": {"KubeletConfiguration", "CredentialProviderConfig"},
    "kubeproxy.config.k8s.io/v1alpha1": {"KubeProxyConfiguration"},
    "kubescheduler.config.k8s.io/v1": {"KubeSchedulerConfiguration"},
    "kubeadm.k8s.io/v1beta4": {
        "ClusterConfiguration", "InitConfiguration", "JoinConfiguration", "ResetConfiguration", "UpgradeConfiguration",
    },
    "apiserver.config.k8s.io/v1": {
        "AdmissionConfiguration", "AuthenticationConfiguration", "AuthorizationConfiguration", "EncryptionConfiguration",
    },
    "audit.k8s.io/v1": {"Policy"},
}

# (apiVersion, kind) -> the release that stopped serving it, and what to use instead.
REMOVED = {
    ("extensions/v1beta1", "Deployment"): ("1.16", "apps/v1"),
    ("extensions/v1beta1", "DaemonSet"): ("1.16", "apps/v1"),
    ("extensions/v1beta1", "ReplicaSet"): ("1.16", "apps/v1"),
    ("extensions/v1beta1", "NetworkPolicy"): ("1.16", "networking.k8s.io/v1"),
    ("extensions/v1beta1", "PodSecurityPolicy"): ("1.16", "Pod Security Admission"),
    ("extensions/v1beta1", "Ingress"): ("1.22", "networking.k8s.io/v1"),
    ("apps/v1beta1", "Deployment"): ("1.16", "apps/v1"),
    ("apps/v1beta1", "StatefulSet"): ("1.16", "apps/v1"),
    ("apps/v1beta2", "Deployment"): ("1.16", "apps/v1"),
    ("apps/v1beta2", "StatefulSet"): ("1.16", "apps/v1"),
    ("apps/v1beta2", "DaemonSet"): ("1.16", "apps/v1"),
    ("apps/v1beta2", "ReplicaSet"): ("1.16", "apps/v1"),
    ("networking.k8s.io/v1beta1", "Ingress"): ("1.22", "networking.k8s.io/v1"),
    ("networking.k8s.io/v1beta1", "IngressClass"): ("1.22", "networking.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "Role"): ("1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRole"): ("1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "RoleBinding"): ("1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"): ("1.22", "rbac.authorization.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "StorageClass"): ("1.22", "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "CSIDriver"): ("1.22", "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "CSINode"): ("1.22", "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "VolumeAttachment"): ("1.22", "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "CSIStorageCapacity"): ("1.27", "storage.k8s.io/v1"),
    ("scheduling.k8s.io/v1beta1", "PriorityClass"): ("1.22", "scheduling.k8s.io/v1"),
    ("coordination.k8s.io/v1beta1", "Lease"): ("1.22", "coordination.k8s.io/v1"),
    ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"): ("1.22", "apiextensions.k8s.io/v1"),
    ("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration"): ("1.22", "admissionregistration.k8s.io/v1"),
    ("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration"): ("1.22", "admissionregistration.k8s.io/v1"),
    ("certificates.k8s.io/v1beta1", "CertificateSigningRequest"): ("1.22", "certificates.k8s.io/v1"),
    ("batch/v1beta1", "CronJob"): ("1.25", "batch/v1"),
    ("policy/v1beta1", "PodDisruptionBudget"): ("1.25", "policy/v1"),
    ("policy/v1beta1", "PodSecurityPolicy"): ("1.25", "Pod Security Admission"),
    ("discovery.k8s.io/v1beta1", "EndpointSlice"): ("1.25", "discovery.k8s.io/v1"),
    ("events.k8s.io/v1beta1", "Event"): ("1.25", "events.k8s.io/v1"),
    ("node.k8s.io/v1beta1", "RuntimeClass"): ("1.25", "node.k8s.io/v1"),
    ("autoscaling/v2beta1", "HorizontalPodAutoscaler"): ("1.25", "autoscaling/v2"),
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler"): ("1.26", "autoscaling/v2"),
    ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema"): ("1.26", "flowcontrol.apiserver.k8s.io/v1"),
    ("flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration"): ("1.26", "flowcontrol.apiserver.k8s.io/v1"),
    ("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema"): ("1.29", "flowcontrol.apiserver.k8s.io/v1"),
    ("flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration"): ("1.29", "flowcontrol.apiserver.k8s.io/v1"),
    ("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema"): ("1.32", "flowcontrol.apiserver.k8s.io/v1"),
    ("flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration"): ("1.32", "flowcontrol.apiserver.k8s.io/v1"),
}

# Groups (the part of apiVersion before '/') that are built in: an unknown version or kind in
# them is an error even when it is not in REMOVED.
BUILTIN_GROUPS = {version.split("/")[0] if "/" in version else "" for version in SERVED}
BUILTIN_GROUPS |= {version.split("/")[0] for version, _ in REMOVED}
BUILTIN_GROUPS.add("extensions")

# kubectl usages that no longer work, as (pattern, message).
REMOVED_KUBECTL = [
    (re.compile(r"\bkubectl\s+rolling-update\b"),
     "`kubectl rolling-update` was removed in 1.18 (use a Deployment and `kubectl rollout`)"),
    (re.compile(r"\bkubectl\b[^\n]*\s--record\b"),
     "`--record` is deprecated since 1.22 (set the kubernetes.io/change-cause annotation instead)"),
    (re.compile(r"\bkubectl\b[^\n]*\s--delete-local-data\b"),
     "`--delete-local-data` was deprecated in 1.20 and removed (use --delete-emptydir-data)"),
    (re.compile(r"\bkubectl\b[^\n]*\s--export\b"),
     "`kubectl get --export` was removed in 1.18"),
    (re.compile(r"\bkubectl\b[^\n]*\s--generator\b"),
     "`--generator` was removed from kubectl (kubectl run creates only Pods since 1.18)"),
]

FENCE_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w+-]*)[^\n]*$")
OUTDATED_RE = re.compile(r"^\s*#\s*outdated:", re.IGNORECASE)
SHELL_LANGS = {"bash", "shell", "sh", "console", "shell-session", "zsh"}
YAML_LANGS = {"yaml", "yml"}


@dataclass
class Block:
    lang: str
    first_line: int  # 0-based line index of the block's first content line within the text
    lines: list


def fenced_blocks(text):
    """Yield the fenced code blocks of a Markdown text."""
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        match = FENCE_RE.match(lines[index])
        if not match:
            index += 1
            continue
        fence, lang, indent = match["fence"], match["lang"].lower(), match["indent"]
        body, end = [], index + 1
        while end < len(lines) and not lines[end].strip().startswith(fence[0] * len(fence)):
            line = lines[end]
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            end += 1
        yield Block(lang=lang, first_line=index + 1, lines=body)
        index = end + 1


def _is_outdated(block):
    return bool(block.lines) and bool(OUTDATED_RE.match(block.lines[0]))


def _lint_yaml(block):
    problems = []
    try:
        documents = list(yaml.safe_load_all("\n".join(block.lines)))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        offset = mark.line if mark else 0
        reason = getattr(exc, "problem", None) or str(exc)
        return [(offset, f"the yaml block does not parse: {reason}")]
    kind_lines = [i for i, line in enumerate(block.lines) if line.startswith("kind:")]
    for number, document in enumerate(documents):
        if not isinstance(document, dict) or "apiVersion" not in document or "kind" not in document:
            continue
        api_version, kind = str(document["apiVersion"]), str(document["kind"])
        offset = kind_lines[number] if number < len(kind_lines) else 0
        removed = REMOVED.get((api_version, kind))
        if removed:
            release, instead = removed
            problems.append((offset, f"{kind} {api_version} was removed in Kubernetes {release} (use {instead}); "
                                     "mark a deliberately outdated block with '# outdated: removed in "
                                     f"{release}' on its first line"))
            continue
        group = api_version.split("/")[0] if "/" in api_version else ""
        if api_version in SERVED:
            if kind not in SERVED[api_version]:
                problems.append((offset, f"Kubernetes {CURRENT_KUBERNETES} serves no kind {kind!r} in {api_version}"))
        elif group in BUILTIN_GROUPS:
            problems.append((offset, f"Kubernetes {CURRENT_KUBERNETES} does not serve {api_version} {kind}"))
    return problems


def _lint_shell(block):
    problems = []
    for offset, line in enumerate(block.lines):
        for pattern, message in REMOVED_KUBECTL:
            if pattern.search(line):
                problems.append((offset, message))
    return problems


def lint_markdown(text):
    """Problems in a Markdown text as (0-based line index within the text, reason)."""
    problems = []
    for block in fenced_blocks(text):
        if _is_outdated(block):
            continue
        if block.lang in YAML_LANGS:
            found = _lint_yaml(block)
        elif block.lang in SHELL_LANGS:
            found = _lint_shell(block)
        else:
            continue
        problems.extend((block.first_line + offset, reason) for offset, reason in found)
    return problems
