"""Names and numbers kube-proxy writes for a Service port, computed as its source computes them.

- pkg/proxy/iptables/proxier.go portProtoHash: sha256 of ``"<ns>/<svc>:<port>" + protocol``,
  base32 (StdEncoding), first 16 characters; servicePortPolicyClusterChain (KUBE-SVC-),
  servicePortPolicyLocalChainName (KUBE-SVL-), serviceExternalChainName (KUBE-EXT-) and
  servicePortEndpointChainName (KUBE-SEP-, the hash also covers the endpoint's "IP:port").
- pkg/proxy/iptables/proxier.go computeProbability: ``fmt.Sprintf("%0.10f", 1.0/float64(n))``,
  written by writeServiceToEndpointRules as ``--probability probability(numEndpoints-i)`` on
  every rule but the last.
- iptables extensions/libxt_statistic.c: the kernel keeps ``lround(0x80000000 * p)`` and
  iptables-save prints it back with ``%.11f``, so "0.3333333333" reads "0.33333333349";
  net/netfilter/xt_statistic.c matches when ``(get_random_u32() & 0x7FFFFFFF) < probability``.
- pkg/proxy/nftables/proxier.go hashAndTruncate, servicePortChainNameBase,
  servicePortEndpointChainNameBase: ``base32(sha256(name))[:8] + "-" + name`` with
  name ``ns/svc/protocol/port`` (and ``__IP/port`` for an endpoint).
- nft numgen random (net/netfilter/nft_numgen.c): ``reciprocal_scale(get_random_u32(), N)``,
  that is ``(r * N) >> 32``, so value k is drawn for ceil((k+1)·2^32/N) − ceil(k·2^32/N) of the
  2^32 random words.
- Linux net/netfilter/ipvs/ip_vs_sh.c ip_vs_sh_hashkey (``hash_32(ntohl(saddr), 8)`` with
  include/linux/hash.h GOLDEN_RATIO_32 = 0x61C88647; the source port is not hashed unless the
  sh-port flag is set, which kube-proxy does not set) and ip_vs_sh_reassign (bucket i goes to
  the (i mod n)-th destination when every weight is 1).
"""

from __future__ import annotations

import base64
import hashlib
import math

NAMESPACE = "default"
SERVICE = "web"
PORT_NAME = "http"
PROTOCOL = "tcp"
SERVICE_PORT_NAME = f"{NAMESPACE}/{SERVICE}:{PORT_NAME}"


def _b32(text: str) -> str:
    return base64.b32encode(hashlib.sha256(text.encode()).digest()).decode()


def port_proto_hash(service_port_name: str = SERVICE_PORT_NAME, protocol: str = PROTOCOL) -> str:
    """iptables/proxier.go portProtoHash."""
    return _b32(service_port_name + protocol)[:16]


def svc_chain(service_port_name: str = SERVICE_PORT_NAME, protocol: str = PROTOCOL) -> str:
    return "KUBE-SVC-" + port_proto_hash(service_port_name, protocol)


def svl_chain(service_port_name: str = SERVICE_PORT_NAME, protocol: str = PROTOCOL) -> str:
    return "KUBE-SVL-" + port_proto_hash(service_port_name, protocol)


def ext_chain(service_port_name: str = SERVICE_PORT_NAME, protocol: str = PROTOCOL) -> str:
    return "KUBE-EXT-" + port_proto_hash(service_port_name, protocol)


def sep_chain(endpoint: str, service_port_name: str = SERVICE_PORT_NAME, protocol: str = PROTOCOL) -> str:
    """iptables/proxier.go servicePortEndpointChainName; `endpoint` is "IP:port"."""
    return "KUBE-SEP-" + _b32(service_port_name + protocol + endpoint)[:16]


def compute_probability(n: int) -> str:
    """iptables/proxier.go computeProbability: Go's %0.10f of 1/n."""
    return f"{1.0 / n:0.10f}"


def kernel_probability(text: str) -> int:
    """libxt_statistic.c: lround(0x80000000 * p), the 31-bit threshold the kernel stores."""
    return math.floor(0x80000000 * float(text) + 0.5)


def saved_probability(text: str) -> str:
    """What iptables-save prints for a probability written as `text` (%.11f of the stored value)."""
    return f"{kernel_probability(text) / 0x80000000:.11f}"


def _hash_and_truncate(name: str) -> str:
    return _b32(name)[:8] + "-" + name


def nft_chain_base(namespace: str = NAMESPACE, service: str = SERVICE, protocol: str = PROTOCOL, port: str = PORT_NAME) -> str:
    """nftables/proxier.go servicePortChainNameBase, e.g. "ULMVA6XW-ns1/svc1/tcp/p80"."""
    return _hash_and_truncate(f"{namespace}/{service}/{protocol}/{port}")


def nft_endpoint_base(endpoint: str, namespace: str = NAMESPACE, service: str = SERVICE, protocol: str = PROTOCOL, port: str = PORT_NAME) -> str:
    """nftables/proxier.go servicePortEndpointChainNameBase (IPv4 "IP:port")."""
    ip, _, ep_port = endpoint.rpartition(":")
    return _hash_and_truncate(f"{namespace}/{service}/{protocol}/{port}__{ip}/{ep_port}")


def numgen_shares(n: int) -> list[float]:
    """Exact probability of each value of ``numgen random mod n`` (reciprocal_scale)."""
    total = 1 << 32
    bounds = [-(-k * total // n) for k in range(n + 1)]
    return [(bounds[k + 1] - bounds[k]) / total for k in range(n)]


GOLDEN_RATIO_32 = 0x61C88647
SH_TAB_BITS = 8


def sh_bucket(ip: str) -> int:
    """ip_vs_sh_hashkey for an IPv4 source address (no port, offset 0)."""
    a, b, c, d = (int(part) for part in ip.split("."))
    value = (a << 24) | (b << 16) | (c << 8) | d
    return ((value * GOLDEN_RATIO_32) & 0xFFFFFFFF) >> (32 - SH_TAB_BITS)
