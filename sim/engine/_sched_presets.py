"""Named scenarios for the scheduler simulator (pages and content embeds refer to them by slug)."""

from __future__ import annotations

from typing import NamedTuple


class Preset(NamedTuple):
    slug: str
    yaml: str


_OUT_OF_CPU = """\
nodes:
  - name: node-a
    allocatable: {cpu: "4", memory: 8Gi, pods: 110}
    requested: {cpu: 3800m, memory: 2Gi, pods: 12}
    labels: {topology.kubernetes.io/zone: zone-a}
  - name: node-b
    allocatable: {cpu: "4", memory: 8Gi, pods: 110}
    requested: {cpu: 1500m, memory: 2Gi, pods: 9}
    labels: {topology.kubernetes.io/zone: zone-b}
  - name: node-c
    allocatable: {cpu: "4", memory: 8Gi, pods: 110}
    requested: {cpu: 1500m, memory: 6Gi, pods: 15}
    labels: {topology.kubernetes.io/zone: zone-c}
pod:
  name: web
  requests: {cpu: 500m, memory: 512Mi}
"""

_CONTROL_PLANE = """\
nodes:
  - name: control-plane
    allocatable: {cpu: "2", memory: 4Gi}
    labels: {node-role.kubernetes.io/control-plane: ""}
    taints: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]
  - name: worker-1
    allocatable: {cpu: "2", memory: 4Gi}
    requested: {cpu: 1800m, memory: 1Gi, pods: 8}
pod:
  name: web
  requests: {cpu: 500m, memory: 256Mi}
"""

_SELECTOR_NOTHING = """\
nodes:
  - name: node-a
    allocatable: {cpu: "4", memory: 8Gi}
    labels: {disktype: hdd}
  - name: node-b
    allocatable: {cpu: "4", memory: 8Gi}
    labels: {disktype: hdd}
  - name: node-c
    allocatable: {cpu: "4", memory: 8Gi}
pod:
  name: db
  requests: {cpu: "1", memory: 2Gi}
  nodeSelector: {disktype: ssd}
"""

_AFFINITY = """\
nodes:
  - name: node-a
    allocatable: {cpu: "8", memory: 16Gi}
    requested: {cpu: "2", memory: 4Gi}
    labels: {topology.kubernetes.io/zone: zone-a, disktype: ssd}
  - name: node-b
    allocatable: {cpu: "8", memory: 16Gi}
    requested: {cpu: "2", memory: 4Gi}
    labels: {topology.kubernetes.io/zone: zone-b, disktype: ssd, gpu: "true"}
  - name: node-c
    allocatable: {cpu: "8", memory: 16Gi}
    labels: {topology.kubernetes.io/zone: zone-c, disktype: hdd}
pod:
  name: api
  requests: {cpu: "1", memory: 1Gi}
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
          - matchExpressions:
              - {key: topology.kubernetes.io/zone, operator: In, values: [zone-a, zone-b]}
      preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 80
          preference:
            matchExpressions: [{key: gpu, operator: Exists}]
        - weight: 20
          preference:
            matchExpressions: [{key: disktype, operator: In, values: [ssd]}]
"""

_BEST_EFFORT = """\
nodes:
  - name: node-a
    allocatable: {cpu: "4", memory: 8Gi}
    requested: {cpu: "3", memory: 1Gi, pods: 20}
  - name: node-b
    allocatable: {cpu: "4", memory: 8Gi}
    requested: {cpu: "1", memory: 6Gi, pods: 20}
pod:
  name: debug
  containers:
    - name: shell
"""

_PREEMPTS = """\
nodes:
  - name: node-a
    allocatable: {cpu: "4", memory: 8Gi}
    pods:
      - {name: batch-1, priority: 0, requests: {cpu: "2", memory: 2Gi}}
      - {name: batch-2, priority: 100, requests: {cpu: 1500m, memory: 1Gi}}
  - name: node-b
    allocatable: {cpu: "4", memory: 8Gi}
    pods:
      - {name: report, priority: 500, requests: {cpu: "3", memory: 2Gi}}
      - {name: cron, priority: 0, requests: {cpu: 500m, memory: 512Mi}}
  - name: node-c
    allocatable: {cpu: "4", memory: 8Gi}
    pods:
      - {name: payments, priority: 1000000, requests: {cpu: 3500m, memory: 4Gi}}
pod:
  name: checkout
  priority: 100000
  requests: {cpu: "2", memory: 1Gi}
"""

_CORDONED = """\
nodes:
  - name: node-a
    allocatable: {cpu: "4", memory: 8Gi}
    unschedulable: true
    taints: [{key: node.kubernetes.io/unschedulable, effect: NoSchedule}]
  - name: node-b
    allocatable: {cpu: "4", memory: 8Gi}
    requested: {cpu: "2", memory: 3Gi, pods: 10}
pod:
  name: web
  requests: {cpu: 250m, memory: 256Mi}
"""

_NOTHING_FITS = """\
nodes:
  - name: node-a
    allocatable: {cpu: "2", memory: 4Gi}
    requested: {cpu: 1500m, memory: 1Gi, pods: 6}
  - name: node-b
    allocatable: {cpu: "2", memory: 4Gi}
    pods:
      - {name: cache, priority: 0, requests: {cpu: 1200m, memory: 3Gi}}
  - name: node-c
    allocatable: {cpu: "8", memory: 32Gi}
    taints: [{key: dedicated, value: gpu, effect: NoSchedule}]
pod:
  name: worker
  requests: {cpu: "1", memory: 2Gi}
"""

_DAEMONSET = """\
# The DaemonSet controller pins each of its Pods to one node with matchFields and adds these tolerations.
nodes:
  - name: node-a
    allocatable: {cpu: "4", memory: 8Gi}
  - name: node-b
    allocatable: {cpu: "4", memory: 8Gi}
    requested: {cpu: __CPU__, memory: 2Gi, pods: 14}
    unschedulable: true
    taints: [{key: node.kubernetes.io/unschedulable, effect: NoSchedule}]
  - name: node-c
    allocatable: {cpu: "4", memory: 8Gi}
pod:
  name: node-exporter-x7k2p
  namespace: monitoring
  priority: 2000001000
  requests: {cpu: 100m, memory: 180Mi}
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
          - matchFields: [{key: metadata.name, operator: In, values: [node-b]}]
  tolerations:
    - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute}
    - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute}
    - {key: node.kubernetes.io/disk-pressure, operator: Exists, effect: NoSchedule}
    - {key: node.kubernetes.io/memory-pressure, operator: Exists, effect: NoSchedule}
    - {key: node.kubernetes.io/pid-pressure, operator: Exists, effect: NoSchedule}
    - {key: node.kubernetes.io/unschedulable, operator: Exists, effect: NoSchedule}
"""

_LIMITS_ONLY = """\
# Only limits are set: the API server copies them into requests, and the scheduler uses requests.
nodes:
  - name: node-a
    allocatable: {cpu: "4", memory: 8Gi}
    requested: {cpu: "2", memory: 2Gi, pods: 10}
  - name: node-b
    allocatable: {cpu: "4", memory: 8Gi}
    requested: {cpu: 3500m, memory: 1Gi, pods: 10}
pod:
  name: batch
  containers:
    - name: worker
      resources:
        limits: {cpu: "2", memory: 4Gi}
"""

PRESETS = {p.slug: p for p in (
    Preset("node-out-of-cpu", _OUT_OF_CPU),
    Preset("tainted-control-plane", _CONTROL_PLANE),
    Preset("selector-matches-nothing", _SELECTOR_NOTHING),
    Preset("required-and-preferred-affinity", _AFFINITY),
    Preset("best-effort-pod", _BEST_EFFORT),
    Preset("priority-preemption", _PREEMPTS),
    Preset("cordoned-node", _CORDONED),
    Preset("nothing-fits", _NOTHING_FITS),
    Preset("limits-without-requests", _LIMITS_ONLY),
    Preset("daemonset-pod", _DAEMONSET.replace("__CPU__", "1500m")),
    Preset("daemonset-pod-no-room", _DAEMONSET.replace("__CPU__", "3950m")),
)}
DEFAULT_PRESET = "node-out-of-cpu"
