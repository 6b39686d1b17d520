"""Host facts as `xm info`, `xl info` and /proc/cpuinfo show them.

Key order and line layout follow xend's node.info (Xen 4.0) and xl_info.c
(4.2 to 4.19). Values come from the host state; the profile's `info` map
overrides any of them by key, byte for byte.
"""
import hashlib
import os

from xensim.infokeys import XL_KEYS, XM_KEYS
from xensim.state import DOM0, find_domain, free_memory_mb, version_at_least


def _compiler(state):
    if version_at_least(state, 4, 12):
        return "x86_64-linux-gnu-gcc (Debian 12.2.0-14+deb12u1) 12.2.0"
    if version_at_least(state, 4, 1):
        return "gcc (Debian 4.7.2-5) 4.7.2"
    return "gcc version 4.4.5 (Debian 4.4.5-8) "


def _common(state):
    """Values both tools print, before overrides."""
    uname = os.uname()
    cpu = state["cpu"]
    xen = state["xen"]
    dom0 = find_domain(state, DOM0)
    return {
        "host": uname.nodename,
        "release": uname.release,
        "version": uname.version,
        "machine": uname.machine,
        "nr_cpus": state["nr_cpus"],
        "nr_nodes": state["nr_nodes"],
        "cores_per_socket": cpu["cores_per_socket"],
        "threads_per_core": cpu["threads_per_core"],
        "hw_caps": cpu["hw_caps"],
        "total_memory": state["total_memory_mb"],
        "free_memory": free_memory_mb(state),
        "xen_major": xen["major"],
        "xen_minor": xen["minor"],
        "xen_extra": xen["extra"],
        "xen_scheduler": state["scheduler"],
        "xen_pagesize": 4096,
        "platform_params": "virt_start=0xffff800000000000",
        "xen_commandline": "dom0_mem=%dM" % dom0["memory"],
        "cc_compiler": _compiler(state),
        "cc_compile_by": "pkg-xen-devel",
        "cc_compile_domain": "lists.alioth.debian.org",
        "cc_compile_date": "Thu Jan 13 12:00:00 UTC 2011",
        "xend_config_format": 4,
    }


def xm_info(state):
    """(key, value) pairs of `xm info`, in xend's order."""
    values = _common(state)
    values.update({
        "cpu_mhz": int(state["cpu"]["mhz"]),
        "virt_caps": "hvm",
        "node_to_cpu": "node0:0-%d" % (state["nr_cpus"] - 1),
        "node_to_memory": "node0:%d" % free_memory_mb(state),
        "node_to_dma32_mem": "node0:%d" % min(free_memory_mb(state), 2985),
        "max_node_id": state["nr_nodes"] - 1,
        "xen_caps": "xen-3.0-x86_64 xen-3.0-x86_32p hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 ",
        "xen_changeset": "unavailable",
    })
    return _ordered(XM_KEYS, values, state)


def xl_info(state):
    """(key, value) pairs of `xl info`, in xl_info.c's order for the host's version."""
    xen = state["xen"]
    khz = int(round(state["cpu"]["mhz"] * 1000))
    values = _common(state)
    values.update({
        "max_cpu_id": state["nr_cpus"] - 1,
        "cpu_mhz": "%d.%03d" % (khz // 1000, khz % 1000),
        "virt_caps": "pv hvm hap gnttab-v1 gnttab-v2" if version_at_least(state, 4, 15) else "hvm hvm_directio",
        "sharing_freed_memory": 0,
        "sharing_used_memory": 0,
        "outstanding_claims": 0,
        "free_cpus": 0,
        "xen_version": "%d.%d%s" % (xen["major"], xen["minor"], xen["extra"]),
        "xen_caps": "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 ",
        "xen_changeset": "",
        "build_id": hashlib.sha1(("%s/%s" % (state["name"], values["xen_extra"])).encode()).hexdigest(),
    })
    keys = [k for k in XL_KEYS if k != "build_id" or version_at_least(state, 4, 7)]
    return _ordered(keys, values, state)


def _ordered(keys, values, state):
    overrides = state["info"]
    return [(k, overrides[k] if k in overrides else values[k]) for k in keys]


def cpuinfo(state):
    """/proc/cpuinfo of the dom0 kernel: one block per Domain-0 vcpu, x86 layout."""
    cpu = state["cpu"]
    per_socket = cpu["cores_per_socket"] * cpu["threads_per_core"]
    amd = cpu["vendor"] == "AuthenticAMD"
    blocks = []
    for i in range(find_domain(state, DOM0)["vcpus"]):
        lines = [
            "processor\t: %d" % i,
            "vendor_id\t: %s" % cpu["vendor"],
            "cpu family\t: %d" % cpu["family"],
            "model\t\t: %d" % cpu["model"],
            "model name\t: %s" % cpu["model_name"],
            "stepping\t: %d" % cpu["stepping"],
            "cpu MHz\t\t: %.3f" % cpu["mhz"],
            "cache size\t: %d KB" % cpu["cache_kb"],
            "physical id\t: %d" % (i // per_socket),
            "siblings\t: %d" % per_socket,
            "core id\t\t: %d" % (i % per_socket // cpu["threads_per_core"]),
            "cpu cores\t: %d" % cpu["cores_per_socket"],
            "apicid\t\t: %d" % i,
            "initial apicid\t: %d" % i,
            "fpu\t\t: yes",
            "fpu_exception\t: yes",
            "cpuid level\t: %d" % cpu["cpuid_level"],
            "wp\t\t: yes",
            "flags\t\t: %s" % cpu["flags"],
            "bogomips\t: %.2f" % (cpu["mhz"] * 2),
        ]
        if amd:
            lines.append("TLB size\t: 1024 4K pages")
        lines += [
            "clflush size\t: 64",
            "cache_alignment\t: 64",
            "address sizes\t: %s" % cpu["address_sizes"],
            "power management:%s" % (" ts ttp tm stc 100mhzsteps hwpstate" if amd else ""),
        ]
        blocks.append("\n".join(lines) + "\n\n")
    return "".join(blocks)
