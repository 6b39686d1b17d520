"""XenLab manager: builds simulated dom0 hosts out of Linux namespaces (see tests/XenLab/README.md)."""
