"""Simulated Xen toolstack (xm, xend, xl) for XenLab hosts.

Each lab host keeps its hypervisor state in its own files (see paths.py);
the commands read that state and print exactly what the real tools print.
"""
