"""The keys `xm info` and `xl info` print, in the tools' order.

xm: xend's node.info of Xen 4.0. xl: xl_info.c of 4.17 (build_id from 4.7 on).
"""

XM_KEYS = (
    "host release version machine nr_cpus nr_nodes cores_per_socket threads_per_core cpu_mhz hw_caps "
    "virt_caps total_memory free_memory node_to_cpu node_to_memory node_to_dma32_mem max_node_id "
    "xen_major xen_minor xen_extra xen_caps xen_scheduler xen_pagesize platform_params xen_changeset "
    "xen_commandline cc_compiler cc_compile_by cc_compile_domain cc_compile_date xend_config_format"
).split()

XL_KEYS = (
    "host release version machine nr_cpus max_cpu_id nr_nodes cores_per_socket threads_per_core cpu_mhz "
    "hw_caps virt_caps total_memory free_memory sharing_freed_memory sharing_used_memory outstanding_claims "
    "free_cpus xen_major xen_minor xen_extra xen_version xen_caps xen_scheduler xen_pagesize platform_params "
    "xen_changeset xen_commandline cc_compiler cc_compile_by cc_compile_domain cc_compile_date build_id "
    "xend_config_format"
).split()


def unknown(overrides, toolstacks):
    """Override keys that none of the host's tools prints."""
    known = set()
    if "xm" in toolstacks:
        known.update(XM_KEYS)
    if "xl" in toolstacks:
        known.update(XL_KEYS)
    return sorted(k for k in overrides if k not in known)
