"""The Service routing engine against kube-proxy's source and its own unit-test fixtures."""

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine import ParamError, service
from sim.engine import _service_names as names
from sim.engine.service import parse_params, simulate


def run(**raw):
    return simulate(parse_params(raw)).to_dict()


def texts(result):
    return [rule["text"] for rule in result["rules"]]


def hit(result):
    return [rule["text"] for rule in result["rules"] if rule["status"] == "match"]


# --- names and numbers: kube-proxy's proxier_test.go fixtures -------------------------------------


def test_iptables_chain_names_match_kube_proxys_fixtures():
    # pkg/proxy/iptables/proxier_test.go: ns1/svc1:p80 -> KUBE-SVC-XPGD46QRK7WJZT7O, its endpoint
    # 10.180.0.1:80 -> KUBE-SEP-SXIVWICOYRO3J4NJ.
    assert names.svc_chain("ns1/svc1:p80", "tcp") == "KUBE-SVC-XPGD46QRK7WJZT7O"
    assert names.sep_chain("10.180.0.1:80", "ns1/svc1:p80", "tcp") == "KUBE-SEP-SXIVWICOYRO3J4NJ"
    assert names.ext_chain("ns1/svc1:p80", "tcp") == "KUBE-EXT-XPGD46QRK7WJZT7O"
    assert names.svl_chain("ns1/svc1:p80", "tcp") == "KUBE-SVL-XPGD46QRK7WJZT7O"


def test_nftables_chain_names_match_kube_proxys_fixtures():
    # pkg/proxy/nftables/proxier.go doc comments and proxier_test.go.
    assert names.nft_chain_base("ns1", "svc1", "tcp", "p80") == "ULMVA6XW-ns1/svc1/tcp/p80"
    assert names.nft_endpoint_base("10.180.0.1:80", "ns1", "svc1", "tcp", "p80") == "5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80"


def test_the_service_chains_share_one_hash_and_appear_in_the_rules():
    result = run()
    chain = names.svc_chain()
    assert chain.startswith("KUBE-SVC-") and len(chain) == len("KUBE-SVC-") + 16
    assert f"-j {chain}" in texts(result)[1]
    assert result["chains"] == {"cluster": chain, "local": names.svl_chain(), "external": names.ext_chain()}


@pytest.mark.parametrize(
    ("n", "written", "saved"),
    [
        (2, "0.5000000000", "0.50000000000"),
        (3, "0.3333333333", "0.33333333349"),
        (4, "0.2500000000", "0.25000000000"),
        (5, "0.2000000000", "0.20000000019"),
        # 2^31 * 0.1428571429 = 306783378.44 -> 306783378, and 306783378 / 2^31 = 0.142857142724...
        (7, "0.1428571429", "0.14285714272"),
    ],
)
def test_compute_probability_and_what_iptables_save_prints(n, written, saved):
    assert names.compute_probability(n) == written
    assert names.saved_probability(written) == saved


def test_probabilities_of_three_endpoints_are_a_third_then_a_half_then_the_rest():
    result = run()
    assert result["probabilities"] == ["0.3333333333", "0.5000000000"]
    assert result["probabilities_saved"] == ["0.33333333349", "0.50000000000"]
    rules = [text for text in texts(result) if "-> 10.244." in text]
    assert "--probability 0.33333333349" in rules[0]
    assert "--probability 0.50000000000" in rules[1]
    assert "statistic" not in rules[2]
    shares = [row["share"] for row in result["share"]]
    # The kernel keeps round(2^31 p): the first rule takes 715827883 / 2^31 of the connections.
    assert shares[0] == 715827883 / 2**31
    assert math.isclose(sum(shares), 1.0)
    assert all(math.isclose(share, 1 / 3, rel_tol=1e-8) for share in shares)


# --- endpoints: order and CategorizeEndpoints -------------------------------------------------------


def test_endpoints_are_ordered_by_the_ip_port_string():
    result = run(endpoints=",".join(["node-a:ready"] * 10))
    assert result["usable"][:3] == ["10.244.0.10", "10.244.0.11", "10.244.0.2"]
    by_ip = {ep["ip"]: ep["order"] for ep in result["endpoints"]}
    assert by_ip["10.244.0.10"] == 1 and by_ip["10.244.0.2"] == 3


def test_not_ready_endpoints_are_left_out():
    result = run(endpoints="node-a:ready,node-b:notready,node-c:ready")
    assert result["usable"] == ["10.244.0.2", "10.244.2.2"]
    assert result["probabilities"] == ["0.5000000000"]


def test_serving_terminating_endpoints_are_used_only_when_none_is_ready():
    assert run(endpoints="node-a:ready,node-b:terminating")["usable"] == ["10.244.0.2"]
    result = run(endpoints="node-a:terminating,node-b:terminating,node-c:terminating-notserving")
    assert result["usable"] == ["10.244.0.2", "10.244.1.2"]
    assert result["verdict"] == "forwarded"


def test_no_usable_endpoint_is_the_reject_rule_with_kube_proxys_comment():
    result = run(endpoints="node-a:notready,node-b:terminating-notserving")
    assert result["verdict"] == "rejected"
    assert result["reason"] == "default/web:http has no endpoints"
    assert hit(result)[-1] == (
        '-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m comment --comment "default/web:http has no endpoints" '
        "-m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable"
    )
    assert result["distribution"]["counts"] == []


def test_internal_traffic_policy_local_without_a_local_endpoint_drops():
    result = run(endpoints="node-b:ready", nodes="node-a,node-b", client="pod:node-a", internal_traffic_policy="Local")
    assert result["verdict"] == "dropped"
    assert result["reason"] == "default/web:http has no local endpoints"
    assert hit(result)[-1].endswith("-j DROP")


def test_internal_traffic_policy_local_uses_this_nodes_endpoints_in_the_svl_chain():
    result = run(endpoints="node-a:ready,node-b:ready,node-a:ready", client="pod:node-a", internal_traffic_policy="Local")
    assert result["usable"] == ["10.244.0.2", "10.244.0.3"]
    assert any(text.startswith(f"-A {names.svl_chain()} ") for text in texts(result))


def test_categorize_local_falls_back_to_local_serving_terminating_endpoints():
    endpoints = service.build_endpoints(parse_params({"endpoints": "node-a:terminating,node-b:ready"}))
    cat = service.categorize(endpoints, "node-a", uses_cluster=False, uses_local=True)
    assert [ep.ip for ep in cat.local] == ["10.244.0.2"] and cat.has_any and cat.cluster == []


# --- externalTrafficPolicy and masquerading ---------------------------------------------------------


NODEPORT_LOCAL = {"type": "NodePort", "external_traffic_policy": "Local", "endpoints": "node-a:ready,node-b:ready", "nodes": "node-a,node-b,node-c"}


def test_nodeport_cluster_policy_masquerades_external_clients():
    result = run(type="NodePort", client="external:node-a", endpoints="node-a:ready,node-b:ready")
    assert result["snat"] is True
    assert (
        '-A KUBE-EXT-%s -m comment --comment "masquerade traffic for default/web:http external destinations" -j KUBE-MARK-MASQ'
        % names.port_proto_hash()
        in hit(result)
    )
    assert result["source_ip_seen"] in ("10.244.0.1", "172.18.0.2")


def test_nodeport_local_keeps_the_source_and_uses_only_local_endpoints():
    result = run(**NODEPORT_LOCAL, client="external:node-b")
    assert result["usable"] == ["10.244.1.2"]
    assert result["snat"] is False
    assert result["source_ip_seen"] == "203.0.113.10"
    assert f"-A {names.ext_chain()} -j {names.svl_chain()}" in hit(result)


def test_nodeport_local_without_a_local_endpoint_drops_external_traffic():
    result = run(**NODEPORT_LOCAL, client="external:node-c")
    assert result["verdict"] == "dropped"
    assert hit(result)[-1] == (
        '-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "default/web:http has no local endpoints" '
        "-m addrtype --dst-type LOCAL -m tcp --dport 30080 -j DROP"
    )


def test_nodeport_local_short_circuits_pod_traffic_to_every_endpoint():
    result = run(**NODEPORT_LOCAL, client="pod:node-c", target="external")
    assert result["verdict"] == "forwarded"
    assert result["usable"] == ["10.244.0.2", "10.244.1.2"]
    assert result["snat"] is False
    assert any('"pod traffic for default/web:http external destinations"' in text for text in hit(result))


def test_nodeport_local_short_circuits_and_masquerades_host_traffic():
    result = run(**NODEPORT_LOCAL, client="host:node-c", target="external")
    assert result["usable"] == ["10.244.0.2", "10.244.1.2"]
    assert result["snat"] is True and result["source_ip_seen"] == "172.18.0.4"
    assert hit(result)[0].startswith("-A OUTPUT ")


def test_host_traffic_to_the_cluster_ip_is_masqueraded_and_pod_traffic_is_not():
    host = run(client="host:node-a")
    assert host["snat"] is True
    assert any(text.startswith(f"-A {names.svc_chain()} ! -s 10.244.0.0/16 -d 10.96.0.10/32") for text in hit(host))
    pod = run(client="pod:node-a")
    assert pod["snat"] is False and pod["source_ip_seen"] == "10.244.0.200"


def test_hairpin_is_masqueraded_on_the_sep_chain_only_when_the_pod_reaches_itself():
    result = run(endpoints="node-a:ready", client="hairpin:1")
    sep = names.sep_chain("10.244.0.2:8080")
    assert f'-A {sep} -s 10.244.0.2/32 -m comment --comment "default/web:http" -j KUBE-MARK-MASQ' in hit(result)
    assert result["snat"] is True and result["source_ip_seen"] == "10.244.0.1"
    others = [run(endpoints="node-a:ready,node-b:ready", client="hairpin:1", seed=seed) for seed in range(12)]
    assert {r["snat"] for r in others} == {True, False}
    assert all(r["snat"] == (r["chosen"] == "10.244.0.2") for r in others)


def test_load_balancer_uses_the_loadbalancer_ip_rule():
    result = run(type="LoadBalancer", client="external:node-a")
    assert result["destination"] == "192.0.2.10:80"
    assert any('"default/web:http loadbalancer IP"' in text for text in hit(result))


# --- distribution and affinity ---------------------------------------------------------------------


def test_a_third_per_endpoint_emerges_from_the_rules():
    result = run(requests=100_000)
    counts = [row["count"] for row in result["distribution"]["counts"]]
    assert sum(counts) == 100_000
    assert all(abs(count - 33_333) < 1_000 for count in counts)


def test_the_same_seed_gives_the_same_run_and_another_seed_another():
    assert run(seed=7) == run(seed=7)
    assert run(seed=7)["distribution"] != run(seed=8)["distribution"]


def test_client_ip_affinity_sticks_each_client_to_one_endpoint():
    result = run(session_affinity="ClientIP", clients=5, requests=500)
    for row in result["distribution"]["per_client"]:
        assert row["requests"] == 100 and sorted(row["counts"])[-1] == 100
    sep = names.sep_chain("10.244.0.2:8080")
    assert (
        f'-A {names.svc_chain()} -m comment --comment "default/web:http -> 10.244.0.2:8080" '
        f"-m recent --rcheck --seconds 10800 --reap --name {sep} --rsource -j {sep}"
    ) in texts(result)


def test_affinity_expires_when_the_gap_reaches_the_timeout():
    result = run(session_affinity="ClientIP", affinity_timeout_seconds=5, request_interval_seconds=5, requests=3000)
    row = result["distribution"]["per_client"][0]
    assert all(count > 800 for count in row["counts"])


def test_nftables_uses_numgen_and_exact_shares():
    result = run(mode="nftables")
    base = names.nft_chain_base()
    vmap = [text for text in texts(result) if "numgen" in text][0]
    assert vmap.startswith(f"add rule ip kube-proxy service-{base} numgen random mod 3 vmap {{ 0 : goto endpoint-")
    assert result["probabilities"] == []
    assert sum(names.numgen_shares(3)) == 1.0
    assert names.numgen_shares(3) == [1431655766 / 2**32, 1431655765 / 2**32, 1431655765 / 2**32]


def test_nftables_reject_and_drop_verdicts():
    rejected = run(mode="nftables", endpoints="node-a:notready")
    assert rejected["verdict"] == "rejected"
    assert 'add element ip kube-proxy no-endpoint-services { 10.96.0.10 . tcp . 80 comment "default/web:http" : goto reject-chain }' in texts(
        rejected
    )
    dropped = run(mode="nftables", **NODEPORT_LOCAL, client="external:node-c")
    assert dropped["verdict"] == "dropped"
    assert 'add element ip kube-proxy no-endpoint-nodeports { tcp . 30080 comment "default/web:http" : drop }' in texts(dropped)


def test_ipvs_round_robin_cycles_the_real_servers_in_order():
    result = run(mode="ipvs", requests=10)
    assert [row["count"] for row in result["distribution"]["counts"]] == [4, 3, 3]
    assert result["chosen"] == "10.244.0.2"
    assert "TCP  10.96.0.10:80 rr" in texts(result)
    assert "  -> 10.244.0.2:8080              Masq    1      0          0" in texts(result)


def test_ipvs_round_robin_interleaves_clients_request_by_request():
    # Requests 0..9 alternate between two clients; request r goes to real server r mod 3.
    rows = run(mode="ipvs", clients=2, requests=10)["distribution"]["per_client"]
    assert [row["counts"] for row in rows] == [[2, 1, 2], [2, 2, 1]]


def test_ipvs_affinity_is_persistence_and_sh_hashes_the_source():
    persistent = run(mode="ipvs", session_affinity="ClientIP", clients=4, requests=40)
    assert "TCP  10.96.0.10:80 rr persistent 10800" in texts(persistent)
    assert [sorted(row["counts"])[-1] for row in persistent["distribution"]["per_client"]] == [10, 10, 10, 10]
    sh = run(mode="ipvs", ipvs_scheduler="sh", clients=3, requests=30)
    for row, ip in zip(sh["distribution"]["per_client"], ["10.244.0.200", "10.244.0.201", "10.244.0.202"], strict=True):
        assert row["counts"][names.sh_bucket(ip) % 3] == 10


def test_sh_bucket_is_hash_32_of_the_address():
    # hash_32(val, 8) = (val * 0x61C88647 mod 2^32) >> 24
    assert names.sh_bucket("0.0.0.1") == 0x61C88647 >> 24
    assert names.sh_bucket("0.0.0.0") == 0


def test_ipvs_local_without_local_endpoints_loses_external_replies():
    result = run(mode="ipvs", **NODEPORT_LOCAL, client="external:node-c")
    assert result["verdict"] == "dropped" and result["reason_code"] == "ipvs_reply_lost"
    assert result["usable"] == ["10.244.0.2", "10.244.1.2"]


def test_ipvs_without_real_servers_rejects():
    result = run(mode="ipvs", endpoints="node-a:notready")
    assert result["verdict"] == "rejected" and result["reason_code"] == "ipvs_no_destination"


# --- parameters ------------------------------------------------------------------------------------


def test_defaults_and_canonical_round_trip():
    params = parse_params({})
    assert params.client == "pod:node-a" and params.nodes == ("node-a", "node-b", "node-c")
    assert parse_params(params.to_query()) == params
    assert parse_params({"endpoints": "none"}).to_query()["endpoints"] == "none"


def test_every_bad_field_is_named_at_once():
    with pytest.raises(ParamError) as caught:
        parse_params({"endpoints": "node-a:sleepy", "mode": "userspace", "requests": "0", "seed": "x", "bogus": "1"})
    assert {"endpoints", "mode", "requests", "seed", "bogus"} <= set(caught.value.errors)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"client": "external:node-a"}, "client"),
        ({"external_traffic_policy": "Local"}, "external_traffic_policy"),
        ({"endpoints": ",".join(["node-a:ready"] * 51)}, "endpoints"),
        ({"nodes": ",".join(f"n{i}" for i in range(11))}, "nodes"),
        ({"nodes": "Node_A"}, "nodes"),
        ({"client": "hairpin:4"}, "client"),
        ({"client": "host:node-a", "clients": "2"}, "clients"),
        ({"requests": "100001"}, "requests"),
        ({"affinity_timeout_seconds": "86401"}, "affinity_timeout_seconds"),
        ({"endpoints": "node-z:ready", "nodes": "node-a"}, "endpoints"),
        ({"client": "pod:node-z", "nodes": "node-a"}, "client"),
        ({"type": "NodePort", "client": "external:node-a", "target": "cluster-ip"}, "target"),
    ],
)
def test_bad_values_name_their_field(raw, field):
    with pytest.raises(ParamError) as caught:
        parse_params(raw)
    assert field in caught.value.errors


TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", "none", "ready", "pod:node-a", "hairpin:1", "external:node-b", "NodePort", "Local", "ipvs", "sh", "ClientIP", "-1", "1e3", "50"]
    ),
)
KEYS = st.sampled_from(list(service.Params().to_query()) + ["x"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(KEYS, st.one_of(TEXT, st.integers(-5, 200_000), st.booleans(), st.none()), max_size=8))
def test_any_query_either_runs_or_raises_param_error(raw):
    try:
        params = parse_params(raw)
    except ParamError as exc:
        assert exc.errors
        return
    result = simulate(params).to_dict()
    assert parse_params(params.to_query()) == params
    assert sum(row["count"] for row in result["distribution"]["counts"]) in (0, params.requests)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["node-a", "node-b", "node-c"]), st.sampled_from(service.STATES)), max_size=8),
    st.sampled_from(service.TYPES),
    st.sampled_from(service.POLICIES),
    st.sampled_from(service.POLICIES),
    st.sampled_from(service.MODES),
    st.sampled_from(["pod", "host", "external"]),
    st.sampled_from(["node-a", "node-b", "node-c"]),
    st.sampled_from(service.AFFINITIES),
)
def test_wide_scenarios_keep_the_invariants(eps, kind, etp, itp, mode, client_kind, client_node, affinity):
    raw = {
        "endpoints": ",".join(f"{n}:{s}" for n, s in eps) or "none",
        "nodes": "node-a,node-b,node-c",
        "type": kind,
        "internal_traffic_policy": itp,
        "mode": mode,
        "client": f"{client_kind}:{client_node}",
        "session_affinity": affinity,
    }
    if kind != "ClusterIP":
        raw["external_traffic_policy"] = etp
    try:
        params = parse_params(raw)
    except ParamError as exc:
        assert set(exc.errors) <= {"client"}
        return
    result = simulate(params).to_dict()
    states = {ep["ip"]: ep["state"] for ep in result["endpoints"]}
    usable_states = {states[ip] for ip in result["usable"]}
    assert usable_states <= {"ready", "terminating"}
    if "ready" in usable_states:
        assert usable_states == {"ready"}
    assert result["usable"] == sorted(result["usable"], key=lambda ip: f"{ip}:8080")
    if result["verdict"] == "forwarded":
        assert result["chosen"] in result["usable"]
        assert sum(row["count"] for row in result["distribution"]["counts"]) == params.requests
    else:
        assert result["chosen"] is None or result["reason_code"] == "ipvs_reply_lost"
