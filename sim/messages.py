"""Engine validation messages as a page shows them: in the page's language, naming the form's labels.

Engines validate and explain in English with API parameter names (`max_surge`, `election_ms`),
which is right for the JSON API. Pages map each message pattern to a translated sentence and
name fields by the labels the form shows. A message no pattern knows is shown as the engine wrote
it, with parameter names still replaced by labels.
"""

import re

from django.utils.translation import get_language, gettext, gettext_noop, pgettext

_YAML_AT = gettext_noop("is not valid YAML at line %(line)s, column %(column)s (%(problem)s)")

# (pattern matching the engine's whole message, msgid with the pattern's groups as placeholders)
# Patterns are tried in order; `gettext_noop` marks the msgids for the catalogue.
_RULES = [
    (r"must be a whole number of (?P<unit>.+)", gettext_noop("must be a whole number of %(unit)s")),
    (r"must be a whole number", gettext_noop("must be a whole number")),
    (r"must be at least (?P<minimum>-?\d+)", gettext_noop("must be at least %(minimum)s")),
    (r"must be at most (?P<maximum>-?\d+)", gettext_noop("must be at most %(maximum)s")),
    (r"must be between (?P<minimum>-?\d+) and (?P<maximum>-?\d+) (?P<unit>.+)",
     gettext_noop("must be between %(minimum)s and %(maximum)s %(unit)s")),
    (r"must be between (?P<minimum>-?\d+) and (?P<maximum>-?\d+)", gettext_noop("must be between %(minimum)s and %(maximum)s")),
    (r"must be true or false", gettext_noop("must be true or false")),
    (r"must be one of (?P<choices>.+)", gettext_noop("must be one of %(choices)s")),
    (r"unknown parameter.*", gettext_noop("unknown parameter")),
    (r"must be greater than or equal to 0", gettext_noop("must be greater than or equal to 0")),
    (r"must be a non-negative integer or a percentage.*",
     gettext_noop("must be a whole number of pods or a percentage such as 25%")),
    (r"may not be 0 when `maxSurge` is 0", gettext_noop("may not be 0 when maxSurge is 0")),
    (r"must not be greater than 100%", gettext_noop("must not be greater than 100%")),
    (r"must be greater than minReadySeconds", gettext_noop("must be greater than minReadySeconds")),
    (r"unsupported value; supported values: (?P<choices>.+)", gettext_noop("must be one of %(choices)s")),
    (r"must be 1 for a (?P<probe>\w+) probe \(the API server rejects other values\)",
     gettext_noop("must be 1 for a %(probe)s probe (the API server rejects other values)")),
    (r"there are only (?P<count>\d+) init containers \(init_fail_index counts from 1\)",
     gettext_noop("there are only %(count)s init containers (counting from 1)")),
    (r"needs hang_at_seconds: the app can only recover from a hang",
     gettext_noop("needs “%(hang_at_seconds)s”: the app can only recover from a hang")),
    (r"must be later than hang_at_seconds", gettext_noop("must be later than “%(hang_at_seconds)s”")),
    (r"must be earlier than horizon_seconds", gettext_noop("must be earlier than “%(horizon_seconds)s”")),
    (r"cannot stop (?P<down>\d+) members of a (?P<members>\d+)-member cluster",
     gettext_noop("cannot stop %(down)s members of a %(members)s-member cluster")),
    (r"must be at least 5 times heartbeat_ms \((?P<minimum>\d+) ms\), as etcd requires",
     gettext_noop("must be at least 5 times “%(heartbeat_ms)s” (%(minimum)s ms), as etcd requires")),
    (r"must be at most half of election_ms, or no election could ever finish",
     gettext_noop("must be at most half of “%(election_ms)s”, or no election could ever finish")),
    (r"this run would need about (?P<estimate>[\d,]+) simulated messages and ticks \(at most (?P<limit>[\d,]+)\);.*",
     gettext_noop("this run would need about %(estimate)s simulated messages and ticks (at most %(limit)s): shorten "
                  "“%(duration_ms)s”, raise “%(heartbeat_ms)s” or “%(election_ms)s”, or lower “%(write_rate)s” "
                  "or the number of members")),
    (r"this rollout would record about (?P<estimate>[\d,]+) steps, pod events and condition changes "
     r"\(at most (?P<limit>[\d,]+)\);.*",
     gettext_noop("this rollout would record about %(estimate)s steps, pod events and condition changes (at most "
                  "%(limit)s): lower “%(replicas)s”, raise “%(max_surge)s” or “%(max_unavailable)s”, or set "
                  "“%(min_ready_seconds)s” to 0 and “%(progress_deadline_seconds)s” to at least "
                  "“%(pod_ready_seconds)s”")),
    (r"this run would schedule about (?P<probes>[\d,]+) probes \(at most (?P<limit>[\d,]+)\);.*",
     gettext_noop("this run would schedule about %(probes)s probes (at most %(limit)s): shorten "
                  "“%(horizon_seconds)s” or lengthen the probe periods")),
    (r"must be text such as .*", gettext_noop("must be text such as stop:leader@2000,restart:2@7000")),
    (r"is too long \(at most (?P<limit>\d+) characters\)", gettext_noop("is too long (at most %(limit)s characters)")),
    (r"has (?P<count>\d+) items; at most (?P<limit>\d+) are allowed",
     gettext_noop("has %(count)s items; at most %(limit)s are allowed")),
    # Service routing simulator (sim/engine/_service_params.py)
    (r"(?P<name>'.*'|\".*\") is not a lowercase DNS label \(a-z, 0-9 and '-', at most 63 characters\)",
     gettext_noop("%(name)s is not a lowercase DNS label (a-z, 0-9 and '-', at most 63 characters)")),
    (r"must be comma-separated NODE:STATE items", gettext_noop("must be comma-separated NODE:STATE items")),
    (r"at most (?P<limit>\d+) endpoints", gettext_noop("at most %(limit)s endpoints")),
    (r"(?P<item>'.*'|\".*\") must be NODE:STATE", gettext_noop("%(item)s must be NODE:STATE")),
    (r"state (?P<state>'.*'|\".*\") must be one of (?P<choices>.+)", gettext_noop("state %(state)s must be one of %(choices)s")),
    (r"must be comma-separated node names", gettext_noop("must be comma-separated node names")),
    (r"at most (?P<limit>\d+) nodes", gettext_noop("at most %(limit)s nodes")),
    (r"node names must be distinct", gettext_noop("node names must be distinct")),
    (r"must be pod:NODE, host:NODE, external:NODE or hairpin:N",
     gettext_noop("must be pod:NODE, host:NODE, external:NODE or hairpin:N")),
    (r"hairpin:N needs the number of an endpoint \(1 is the first\)",
     gettext_noop("hairpin:N needs the number of an endpoint (1 is the first)")),
    (r"hairpin:N needs an endpoint number from 1 to (?P<last>\d+)",
     gettext_noop("hairpin:N needs an endpoint number from 1 to %(last)s")),
    (r"hairpin needs at least one endpoint", gettext_noop("hairpin needs at least one endpoint")),
    (r"may only be set to Local for externally-accessible services \(NodePort, LoadBalancer\)",
     gettext_noop("may only be set to Local for externally-accessible services (NodePort, LoadBalancer)")),
    (r"node (?P<node>'.*'|\".*\") is not in nodes", gettext_noop("node %(node)s is not in “%(nodes)s”")),
    (r"node (?P<node>'.*'|\".*\") would be an eleventh node", gettext_noop("node %(node)s would be an eleventh node")),
    (r"an external client needs a NodePort or LoadBalancer Service \(a ClusterIP is reachable only inside the cluster\)",
     gettext_noop("an external client needs a NodePort or LoadBalancer Service (a ClusterIP is reachable only inside the cluster)")),
    (r"must be 1 for a (?P<kind>\w+) client \(it has a single source address\)",
     gettext_noop("must be 1 for a %(kind)s client (it has a single source address)")),
    (r"an external client cannot reach the ClusterIP", gettext_noop("an external client cannot reach the ClusterIP")),
    (r"needs a NodePort or LoadBalancer Service", gettext_noop("needs a NodePort or LoadBalancer Service")),
    (r"unknown parameter; expected one of .*", gettext_noop("unknown parameter")),
    # Scheduler simulator: top-level fields (sim/engine/_sched_params.py)
    (r"must be a whole number from (?P<minimum>\d+) to (?P<maximum>\d+)", gettext_noop("must be a whole number from %(minimum)s to %(maximum)s")),
    (r"is not valid YAML at line (?P<line>\d+), column (?P<column>\d+): (?P<problem>.*)", _YAML_AT),
    (r"is not valid YAML: (?P<problem>.*)", gettext_noop("is not valid YAML (%(problem)s)")),
    (r"must be a YAML mapping with `nodes` and `pod`", gettext_noop("must be a YAML mapping with “nodes” and “pod”")),
    (r"must be YAML text", gettext_noop("must be YAML text")),
    (r"must be at most (?P<limit>\d+) KB", gettext_noop("must be at most %(limit)s KB")),
    (r"unknown preset; expected one of (?P<choices>.+)", gettext_noop("unknown preset; use one of %(choices)s")),
    (r"give either a preset or a scenario, not both", gettext_noop("give either a preset or a scenario, not both")),
    (r"must be a mapping of parameter names to values", gettext_noop("must be a mapping of parameter names to values")),
    # Scheduler simulator: a path inside the scenario (sim/engine/_sched_params.py, _sched_quantity.py);
    # the wording follows kube-apiserver's validation (pkg/apis/core/validation/validation.go).
    (r"at most (?P<limit>\d+) pods in the whole scenario in this simulator",
     gettext_noop("at most %(limit)s pods in the whole scenario in this simulator")),
    (r"at most (?P<limit>\d+) containers in the whole scenario in this simulator",
     gettext_noop("at most %(limit)s containers in the whole scenario in this simulator")),
    (r"at most (?P<limit>\d+) items in this simulator", gettext_noop("at most %(limit)s items in this simulator")),
    (r"at most (?P<limit>\d+) labels in this simulator", gettext_noop("at most %(limit)s labels in this simulator")),
    (r"must be a mapping of label keys to values", gettext_noop("must be a mapping of label keys to values")),
    (r"must be a mapping", gettext_noop("must be a mapping")),
    (r"must be a list", gettext_noop("must be a list")),
    (r"field names must be strings", gettext_noop("field names must be strings")),
    (r"label keys must be strings", gettext_noop("label keys must be strings")),
    (r'must be a string \(quote it, for example "true"\)', gettext_noop('must be a string (quote it, for example "true")')),
    (r"must be a string", gettext_noop("must be a string")),
    (r"Required value: at least one node", gettext_noop("Required value: at least one node")),
    (r"Required value", gettext_noop("Required value")),
    (r"Duplicate value: (?P<value>.+)", gettext_noop("Duplicate value: %(value)s")),
    (r"Unsupported value: (?P<value>\".*\"): supported values: (?P<choices>.+)",
     gettext_noop("Unsupported value: %(value)s: supported values: %(choices)s")),
    (r"Unsupported value: supported values: (?P<choices>.+)", gettext_noop("Unsupported value: supported values: %(choices)s")),
    (r"must be a quantity such as 500m, 2, 1\.5Gi or 512Mi", gettext_noop("must be a quantity such as 500m, 2, 1.5Gi or 512Mi")),
    (r"must be a finite quantity", gettext_noop("must be a finite quantity")),
    (r"is longer than (?P<limit>\d+) characters", gettext_noop("is longer than %(limit)s characters")),
    (r"quantities must match the regular expression (?P<regex>'.*')",
     gettext_noop("quantities must match the regular expression %(regex)s")),
    (r"exponent is out of range", gettext_noop("exponent is out of range")),
    (r"is too large for this simulator", gettext_noop("is too large for this simulator")),
    (r"must be less than or equal to (?P<resource>cpu|memory) limit of (?P<limit>\S+)",
     gettext_noop("must be less than or equal to %(resource)s limit of %(limit)s")),
    (r"give either requests \(one container\) or containers, not both",
     gettext_noop("give either requests (one container) or containers, not both")),
    (r"a lowercase RFC 1123 subdomain must consist of .*",
     gettext_noop("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                  "and must start and end with an alphanumeric character")),
    (r"prefix part must be a lowercase RFC 1123 subdomain", gettext_noop("prefix part must be a lowercase RFC 1123 subdomain")),
    (r"name part must consist of .*",
     gettext_noop("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
                  "an alphanumeric character (at most 63)")),
    (r"a valid label must be an empty string or .*",
     gettext_noop("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                  "and must start and end with an alphanumeric character (at most 63)")),
    (r"taints must be unique by key and effect pair", gettext_noop("taints must be unique by key and effect pair")),
    (r"Gt and Lt need the alpha TaintTolerationComparisonOperators feature gate, which is off by default",
     gettext_noop("Gt and Lt need the alpha TaintTolerationComparisonOperators feature gate, which is off by default")),
    (r"operator must be Exists when `key` is empty, .*",
     gettext_noop("operator must be Exists when key is empty, which means \"match all values and all keys\"")),
    (r"value must be empty when `operator` is 'Exists'", gettext_noop("value must be empty when operator is 'Exists'")),
    (r"effect must be 'NoExecute' when `tolerationSeconds` is set",
     gettext_noop("effect must be 'NoExecute' when tolerationSeconds is set")),
    (r"must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
     gettext_noop("must be only one value when operator is 'In' or 'NotIn' for node field selector")),
    (r"must be specified when `operator` is 'In' or 'NotIn'", gettext_noop("must be specified when operator is 'In' or 'NotIn'")),
    (r"may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
     gettext_noop("may not be specified when operator is 'Exists' or 'DoesNotExist'")),
    (r"must be specified single value when `operator` is 'Lt' or 'Gt', and it must be an integer",
     gettext_noop("must be specified single value when operator is 'Lt' or 'Gt', and it must be an integer")),
    (r"metadata\.name In values that never meet: not modelled by this simulator",
     gettext_noop("metadata.name In values that never meet: not modelled by this simulator")),
    (r"must have at least one node selector term", gettext_noop("must have at least one node selector term")),
    (r"must be in the range 1-100", gettext_noop("must be in the range 1-100")),
]

# What PyYAML's LibYAML loader reports (libyaml src/scanner.c, parser.c), as the scenario's YAML error shows it.
_YAML_PROBLEMS = {
    "mapping values are not allowed in this context": gettext_noop("mapping values are not allowed in this context"),
    "found character that cannot start any token": gettext_noop("found character that cannot start any token"),
    "did not find expected key": gettext_noop("did not find expected key"),
    "did not find expected ',' or ']'": gettext_noop("did not find expected ',' or ']'"),
    "did not find expected ',' or '}'": gettext_noop("did not find expected ',' or '}'"),
    "did not find expected '-' indicator": gettext_noop("did not find expected '-' indicator"),
    "could not find expected ':'": gettext_noop("could not find expected ':'"),
    "found undefined alias": gettext_noop("found undefined alias"),
    "found unexpected end of stream": gettext_noop("found unexpected end of stream"),
    "found unknown escape character": gettext_noop("found unknown escape character"),
    "found unknown directive name": gettext_noop("found unknown directive name"),
    "second occurrence": gettext_noop("a key or anchor occurs a second time"),
}

# Faults (events) messages start with the item they are about.
_ITEM = re.compile(r"item (?P<position>\d+) \((?P<item>'.*?'|\".*?\")\)(?P<rest>.*)")
_ITEM_RULES = [
    (r" must look like ACTION@MS.*",
     gettext_noop("must look like ACTION@MS, e.g. stop:leader@2000, restart:2@7000, partition:0-1|2-3-4@3000 or heal@6000")),
    (r": the time after @ must be whole milliseconds.*", gettext_noop("the time after @ must be whole milliseconds, e.g. @2000")),
    (r": time (?P<at>\d+) ms is after the end of the run \(duration_ms=(?P<duration>\d+)\)",
     gettext_noop("%(at)s ms is after the end of the run (%(duration)s ms)")),
    (r": heal takes no target; write heal@(?P<at>\d+)", gettext_noop("heal takes no target; write heal@%(at)s")),
    (r": unknown action (?P<action>'.*?'); expected stop, restart, partition or heal",
     gettext_noop("unknown action %(action)s; use stop, restart, partition or heal")),
    (r": say which member \((?P<choices>.*)\), e\.g\. stop:leader@2000",
     gettext_noop("say which member (%(choices)s), e.g. stop:leader@2000")),
    (r": (?P<target>'.*?') is not a member; expected (?P<words>.*) or 0\.\.(?P<last>\d+)",
     gettext_noop("%(target)s is not a member; use %(words)s or 0..%(last)s")),
    (r": there is no member (?P<member>\d+); members are numbered 0\.\.(?P<last>\d+)",
     gettext_noop("there is no member %(member)s; members are numbered 0..%(last)s")),
    (r": name the groups.*", gettext_noop("name the groups, e.g. partition:0-1|2-3-4@3000 or partition:leader@3000")),
    (r": a partition group is empty", gettext_noop("a partition group is empty")),
    (r": (?P<text>'.*?') is not a member number.*", gettext_noop("%(text)s is not a member number (groups look like 0-1|2-3-4)")),
    (r": member (?P<member>\d+) appears twice", gettext_noop("member %(member)s appears twice")),
    (r": a partition needs at least two groups.*", gettext_noop("a partition needs at least two groups, e.g. 0-1|2-3-4")),
]

_UNITS = {
    "ms": gettext_noop("ms"),
    "s": gettext_noop("s"),
    "seconds": gettext_noop("seconds"),
    "MiB": "MiB",
    "writes per second": gettext_noop("writes per second"),
}

_COMPILED = [(re.compile(pattern), msgid) for pattern, msgid in _RULES]
_COMPILED_ITEMS = [(re.compile(pattern), msgid) for pattern, msgid in _ITEM_RULES]
_API_NAME = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def _fill(msgid, values, labels):
    values = dict(values)
    if msgid == _YAML_AT:
        problem = values["problem"]
        if problem in _YAML_PROBLEMS:
            values["problem"] = gettext(_YAML_PROBLEMS[problem])
        elif not (get_language() or "en").startswith("en"):
            # LibYAML's rarer messages have no translation: the position is what the reader needs.
            return gettext("is not valid YAML at line %(line)s, column %(column)s") % values
    if "unit" in values:
        values["unit"] = gettext(_UNITS[values["unit"]]) if values["unit"] in _UNITS else values["unit"]
    for name in re.findall(r"%\((\w+)\)s", msgid):
        if name not in values:
            values[name] = labels.get(name, name)
    return gettext(msgid) % values if "%(" in msgid else gettext(msgid)


def _rename(message, labels):
    return _API_NAME.sub(lambda match: f"“{labels[match.group()]}”" if match.group() in labels else match.group(), message)


def localize(message, labels, *, yaml=False):
    """The engine's `message` in the active language; `labels` maps parameter names to form labels.

    `yaml` marks a message about a value inside YAML text, where booleans are spelled true and false.
    """
    message = str(message)
    if yaml and message == "must be true or false":
        return pgettext("YAML", "must be true or false")
    item = _ITEM.fullmatch(message)
    if item:
        where = gettext("Item %(position)s (%(item)s)") % {"position": item["position"], "item": item["item"]}
        for pattern, msgid in _COMPILED_ITEMS:
            match = pattern.fullmatch(item["rest"])
            if match:
                return f"{where}: {_fill(msgid, match.groupdict(), labels)}"
        return _rename(message, labels)
    for pattern, msgid in _COMPILED:
        match = pattern.fullmatch(message)
        if match:
            return _fill(msgid, match.groupdict(), labels)
    return _rename(message, labels)


_FAULT_EFFECTS = [
    (r"no leader to stop", gettext_noop("no leader to stop")),
    (r"no running follower to stop", gettext_noop("no running follower to stop")),
    (r"member (?P<id>\d+) is already stopped", gettext_noop("member %(id)s is already stopped")),
    (r"stopped member (?P<id>\d+) \(the leader of term (?P<term>\d+)\)",
     gettext_noop("stopped member %(id)s (the leader of term %(term)s)")),
    (r"stopped member (?P<id>\d+)", gettext_noop("stopped member %(id)s")),
    (r"nothing to restart", gettext_noop("nothing to restart")),
    (r"restarted member (?P<id>\d+)", gettext_noop("restarted member %(id)s")),
    (r"restarted members (?P<ids>[\d, ]+)", gettext_noop("restarted members %(ids)s")),
    (r"no leader to cut off", gettext_noop("no leader to cut off")),
    (r"partitioned (?P<groups>.+)", gettext_noop("partitioned the network into %(groups)s")),
    (r"the network is already whole", gettext_noop("the network is already whole")),
    (r"healed the network", gettext_noop("healed the network")),
]
_COMPILED_FAULTS = [(re.compile(pattern), msgid) for pattern, msgid in _FAULT_EFFECTS]


def fault_effect(effect):
    """What an etcd fault did (the engine's English `effect`), in the active language."""
    for pattern, msgid in _COMPILED_FAULTS:
        match = pattern.fullmatch(effect)
        if match:
            return gettext(msgid) % match.groupdict() if "%(" in msgid else gettext(msgid)
    return effect
