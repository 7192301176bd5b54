"""Simulator pages show validation messages in the page's language, naming the form's labels."""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.http import urlencode
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import registry
from sim.messages import localize

API_NAME = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
ENGLISH = re.compile(r"\b(must|cannot|needs|unknown|there is|is not)\b")

# Values a learner typed that only the server rejects (the "silly values").
SILLY = [
    ("rolling-update", {"max_surge": "abc"}),
    ("rolling-update", {"max_unavailable": "200%"}),
    ("rolling-update", {"max_surge": "0", "max_unavailable": "0"}),
    ("rolling-update", {"replicas": "-1"}),
    ("rolling-update", {"replicas": "1.5"}),
    ("rolling-update", {"min_ready_seconds": "700", "progress_deadline_seconds": "600"}),
    ("rolling-update", {"strategy": "Canary"}),
    ("rolling-update", {"replicas": "10000", "max_surge": "1", "max_unavailable": "0", "min_ready_seconds": "1"}),
    ("etcd", {"events": "stop:leadr@2000"}),
    ("etcd", {"events": "stop@2000"}),
    ("etcd", {"events": "stop:9@2000"}),
    ("etcd", {"events": "stop:bob@2000"}),
    ("etcd", {"events": "heal:1@2000"}),
    ("etcd", {"events": "partition:0-1|1-2@2000"}),
    ("etcd", {"events": "partition:0-1|@2000"}),
    ("etcd", {"events": "partition:@2000"}),
    ("etcd", {"events": "stop:leader@99999999"}),
    ("etcd", {"events": "stop:leader@soon"}),
    ("etcd", {"events": "jump:leader@2000"}),
    ("etcd", {"events": "'"}),  # Python quotes this item with double quotes
    ("etcd", {"heartbeat_ms": "100", "election_ms": "200"}),
    ("etcd", {"members": "3", "down": "4"}),
    ("etcd", {"rtt_ms": "900", "election_ms": "1000"}),
    ("etcd", {"members": "9", "learners": "3", "write_rate": "200", "heartbeat_ms": "10", "election_ms": "50", "duration_ms": "60000"}),
    ("etcd", {"prevote": "maybe"}),
    ("pod-lifecycle", {"recover_at_seconds": "5"}),
    ("pod-lifecycle", {"hang_at_seconds": "10", "recover_at_seconds": "5"}),
    ("pod-lifecycle", {"init_containers": "1", "init_fail_index": "3"}),
    ("pod-lifecycle", {"delete_at_seconds": "900", "horizon_seconds": "600"}),
    ("pod-lifecycle", {"liveness": "true", "liveness_success_threshold": "2"}),
    ("pod-lifecycle", {"horizon_seconds": "5"}),
    ("pod-lifecycle", {"liveness": "true", "liveness_period": "1", "readiness": "true", "readiness_period": "1",
                       "horizon_seconds": "7200"}),
    ("pod-lifecycle", {"memory_limit_mi": "lots"}),
    ("service", {"endpoints": "node-a"}),
    ("service", {"endpoints": "Node_A:ready"}),
    ("service", {"endpoints": "node-a:sleepy"}),
    ("service", {"endpoints": "node-a:ready,node-z:ready", "nodes": "node-a,node-b"}),
    ("service", {"nodes": "node-a,node-a"}),
    ("service", {"client": "laptop"}),
    ("service", {"client": "hairpin:x"}),
    ("service", {"client": "hairpin:9", "endpoints": "node-a:ready"}),
    ("service", {"client": "hairpin:1", "endpoints": "none"}),
    ("service", {"client": "external:node-a"}),
    ("service", {"type": "ClusterIP", "external_traffic_policy": "Local"}),
    ("service", {"client": "host:node-a", "clients": "3"}),
    ("service", {"type": "NodePort", "client": "external:node-a", "target": "cluster-ip"}),
    ("service", {"target": "external"}),
    ("service", {"client": "pod:node-q", "nodes": "node-a"}),
    ("service", {"mode": "ebpf", "requests": "0", "affinity_timeout_seconds": "lots"}),
    ("scheduler", {"scenario": "nodes: [a"}),
    ("scheduler", {"scenario": "a: b: c"}),
    ("scheduler", {"scenario": "- just a list"}),
    ("scheduler", {"scenario": "pod: {}"}),
    ("scheduler", {"scenario": "nodes:\n- name: Big_Node\n  allocatable: {cpu: 2}\npod: {}"}),
    ("scheduler", {"scenario": "nodes:\n- {name: a, allocatable: {cpu: 2, memory: 1Gi}}\n"
                               "- {name: a, allocatable: {cpu: lots, memory: -1Gi}}\npod: {}"}),
    ("scheduler", {"scenario": "nodes:\n- name: a\n  allocatable: {cpu: 2, memory: 1Gi}\n  taints:\n"
                               "  - {key: dedicated, effect: NoSchedul}\n  - {key: 'a/b/c', effect: NoSchedule}\n"
                               "  - {value: x}\npod: {}"}),
    ("scheduler", {"scenario": "nodes:\n- {name: a, allocatable: {cpu: 2, memory: 1Gi}, labels: {'-bad': 'x y', zone: true}}\n"
                               "pod:\n  tolerations:\n  - {operator: Equal, value: x}\n"
                               "  - {key: k, operator: Exists, value: v, tolerationSeconds: 5}\n  - {key: k, operator: Gt}"}),
    ("scheduler", {"scenario": "nodes:\n- {name: a, allocatable: {cpu: 2, memory: 1Gi}}\npod:\n  affinity:\n"
                               "    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
                               "        nodeSelectorTerms:\n        - matchExpressions:\n"
                               "          - {key: zone, operator: In}\n          - {key: gpu, operator: Exists, values: [x]}\n"
                               "          - {key: cores, operator: Gt, values: [many]}\n          - {key: disk}\n"
                               "          matchFields:\n          - {key: metadata.uid, operator: In, values: [a, b]}\n"
                               "      preferredDuringSchedulingIgnoredDuringExecution:\n      - {weight: 0, preference: {}}\n"
                               "      - preference: {}"}),
    ("scheduler", {"scenario": "nodes:\n- {name: a, allocatable: {cpu: 2, memory: 1Gi}}\npod:\n  affinity:\n"
                               "    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
                               "        nodeSelectorTerms: []"}),
    ("scheduler", {"scenario": "nodes:\n- {name: a, allocatable: {cpu: 2, memory: 1Gi}}\npod:\n"
                               "  requests: {cpu: 2, memory: 3Gi}\n  limits: {cpu: 1, memory: 2Gi}\n  containers: []\n"
                               "  priority: 1.5\n  preemptionPolicy: Sometimes\n  name: [web]"}),
    ("scheduler", {"scenario": "nodes:\n- {name: a, allocatable: {cpu: 1e999, memory: 12345678901234567890123456789Ei},"
                               " unschedulable: maybe, pods: 3}\npod: {containers: [{resources: {requests: {cpu: 0.5.5}}}]}"}),
    ("scheduler", {"scenario": "nodes:\n- {name: a, allocatable: {cpu: 2, memory: 1Gi}, labels: [zone]}\n"
                               "pod: {nodeSelector: {disk: ssd}, initContainers: {a: 1}}", "strategy": "Random", "seed": "-1"}),
    ("scheduler", {"preset": "no-such-preset"}),
    ("scheduler", {"preset": "nothing-fits", "scenario": "nodes: []"}),
]


def errors_for(kind, data, language):
    simulator = registry.get(kind)
    with translation.override(language):
        form = simulator.form_class(data)
        assert not form.is_valid(), data
        return [str(message) for messages in form.errors.values() for message in messages]


@pytest.mark.parametrize(("kind", "data"), SILLY)
def test_chinese_pages_show_every_engine_message_in_chinese_with_the_form_labels(kind, data):
    for message in errors_for(kind, data, "zh-hans"):
        assert not ENGLISH.search(message), message
        assert not API_NAME.findall(message), message


@pytest.mark.parametrize(("kind", "data"), SILLY)
def test_english_pages_name_the_form_labels_not_the_api_parameters(kind, data):
    for message in errors_for(kind, data, "en"):
        assert not API_NAME.findall(message), message


def test_an_election_timeout_under_five_heartbeats_names_the_heartbeat_label():
    [message] = errors_for("etcd", {"heartbeat_ms": "100", "election_ms": "200"}, "zh-hans")
    assert message == "必须至少是“心跳间隔（毫秒）”的 5 倍（500 毫秒），这是 etcd 的要求"


@settings(max_examples=60, deadline=None)
@given(kind=st.sampled_from(registry.kinds()), text=st.text(max_size=12), data=st.data())
def test_any_typed_value_gets_a_chinese_message(kind, text, data):
    simulator = registry.get(kind)
    name = data.draw(st.sampled_from(sorted(simulator.form_class().fields)))
    with translation.override("zh-hans"):
        form = simulator.form_class({name: text})
        form.is_valid()
        for messages in form.errors.values():
            for message in messages:
                assert not API_NAME.findall(str(message)), message
                assert "must" not in str(message), message


@pytest.mark.django_db
def test_etcd_fault_descriptions_are_translated_in_what_happened_and_the_fault_list(client):
    query = "events=stop:leader@2000,heal@4000,stop:leader@4500,restart:all@6000&duration_ms=10000"
    html = client.get(f"/zh-hans/sim/etcd/?{query}").content.decode()
    assert "停止了成员" in html and "任期" in html
    assert "网络本来就是连通的" in html
    assert "stopped member" not in html and "the network is already whole" not in html
    english = client.get(f"/en/sim/etcd/?{query}").content.decode()
    assert "stopped member" in english


ROOT = Path(__file__).resolve().parents[2]
ENGINE_MODULES = ["sim/engine/service.py", "sim/engine/_service_params.py", "sim/engine/_service_names.py",
                  "sim/engine/_parsing.py", "sim/engine/scheduler.py", "sim/engine/_sched_params.py",
                  "sim/engine/_sched_plugins.py", "sim/engine/_sched_preemption.py", "sim/engine/_sched_presets.py",
                  "sim/engine/_sched_quantity.py"]
# Values that make an f-string's placeholders read as the engine fills them in.
SAMPLES = {"what": ["pods", "containers"], "name": "cpu", "text(limit)": "500m", "where": " at line 1, column 5",
           "exc.problem or exc": "mapping values are not allowed in this context", "kind": "host",
           "type(exc).__name__": "RecursionError", "raw": "Foo"}


def _variants(node):
    """Every text an expression that builds a message can produce, with sample values for its placeholders."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        texts = [""]
        for part in node.values:
            if isinstance(part, ast.Constant):
                pieces = [part.value]
            else:
                source = ast.unparse(part.value)
                samples = SAMPLES.get(source, "x" if part.conversion == ord("r") else "7")
                samples = samples if isinstance(samples, list) else [samples]
                pieces = [f"'{sample}'" if part.conversion == ord("r") else sample for sample in samples]
            texts = [text + piece for text in texts for piece in pieces]
        return texts
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [left + right for left in _variants(node.left) or ["7"] for right in _variants(node.right) or ["7"]]
    if isinstance(node, ast.IfExp):
        return _variants(node.body) + _variants(node.orelse)
    if isinstance(node, ast.Call) and ast.unparse(node.func).endswith(".join"):
        return ["7"]
    return []


def engine_messages():
    """Every message the Service and scheduler engines can give a form: the sinks that carry one."""
    messages = set()
    for path in ENGINE_MODULES:
        tree = ast.parse((ROOT / path).read_text())
        for node in ast.walk(tree):
            sinks = []
            if isinstance(node, ast.Call):
                func = ast.unparse(node.func)
                if func.endswith(".error") and len(node.args) == 2:
                    sinks.append(node.args[1])
                elif func in ("ParamError", "QuantityError") and node.args:
                    argument = node.args[0]
                    sinks.extend(argument.values if isinstance(argument, ast.Dict) else [argument])
            elif isinstance(node, ast.Assign) and "errors[" in ast.unparse(node.targets[0]):
                sinks.append(node.value)
            elif isinstance(node, ast.FunctionDef) and node.name.endswith("_error"):
                sinks.extend(n.value for n in ast.walk(node) if isinstance(n, ast.Return) and n.value is not None)
            for sink in sinks:
                messages.update(_variants(sink))
    return sorted(message for message in messages if message.strip())


def test_the_walk_finds_the_engines_messages():
    messages = engine_messages()
    assert len(messages) > 70
    assert "Required value" in messages and "must be comma-separated node names" in messages


@pytest.mark.parametrize("message", engine_messages())
def test_every_service_and_scheduler_message_reads_as_chinese(message):
    labels = {}
    with translation.override("zh-hans"):
        for kind in ("service", "scheduler"):
            form = registry.get(kind).form_class()
            labels.update({name: form.error_label(name) for name in form.fields})
        localized = localize(message, labels)
    assert not ENGLISH.search(localized), (message, localized)
    assert not API_NAME.findall(localized), (message, localized)


def test_a_scenario_error_keeps_its_path_and_the_quoted_value():
    messages = errors_for("scheduler", {"scenario": "nodes:\n- {name: a, allocatable: {cpu: 2, memory: 1Gi}, "
                                                    "taints: [{key: k, effect: Sometimes}]}\npod: {}"}, "zh-hans")
    assert messages == ['nodes[0].taints[0].effect: 不支持的值："Sometimes"；支持的值："NoSchedule", "PreferNoSchedule", "NoExecute"']
    [english] = errors_for("scheduler", {"scenario": "nodes:\n- {name: Big, allocatable: {cpu: 2, memory: 1Gi}}\npod: {}"}, "en")
    assert english.startswith("nodes[0].name: a lowercase RFC 1123 subdomain must consist of")


def test_an_unknown_yaml_problem_keeps_the_position_in_chinese():
    with translation.override("zh-hans"):
        assert localize("is not valid YAML at line 3, column 4: something rare", {}) == "不是有效的 YAML：第 3 行第 4 列"
    with translation.override("en"):
        assert localize("is not valid YAML at line 3, column 4: something rare", {}).endswith("(something rare)")


def test_a_yaml_boolean_is_asked_for_as_true_or_false():
    scenario = "nodes:\n- {name: a, allocatable: {cpu: 2, memory: 1Gi}, unschedulable: maybe}\npod: {}"
    assert errors_for("scheduler", {"scenario": scenario}, "zh-hans") == ["nodes[0].unschedulable: 必须是 true 或 false"]


class _Prose(HTMLParser):
    """The page's running text, leaving out what the tools print verbatim (rules, kubectl output, YAML)."""

    VERBATIM = {"code", "pre", "script", "style", "svg", "textarea", "select"}

    def __init__(self):
        super().__init__()
        self.depth, self.text = 0, []

    def handle_starttag(self, tag, attrs):
        self.depth += tag in self.VERBATIM

    def handle_endtag(self, tag):
        self.depth -= tag in self.VERBATIM

    def handle_data(self, data):
        if not self.depth:
            self.text.append(data)


def _preset_queries(kind):
    from sim.views import scheduler, service

    presets = {"service": service.PRESETS, "scheduler": scheduler.PRESETS}[kind]
    return [(kind, urlencode(raw)) for _slug, _label, raw in presets]


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "query"), _preset_queries("service") + _preset_queries("scheduler"))
def test_service_and_scheduler_results_read_as_chinese_prose(client, kind, query):
    html = client.get(f"/zh-hans/sim/{kind}/?{query}").content.decode()
    parser = _Prose()
    parser.feed(html)
    prose = " ".join(parser.text)
    assert not re.search(r"\b(the|is|are|must|not|and|of|to|with|from|has|no)\b", prose), prose
