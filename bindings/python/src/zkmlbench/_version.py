"""The package's version, which is the library's: written once, in
include/zkmlbench/zkb_common.h (ZKB_VERSION_MAJOR/MINOR/PATCH).

From a source tree the header is read directly; an installed package asks
its own metadata, which setup.py took from the same header at build time.
zkmlbench.version() is another thing: the version of the libzkmlbench
actually loaded."""

import os
import re

_HEADER = os.path.join("include", "zkmlbench", "zkb_common.h")


def header_version(path):
    """"M.m.p" from the ZKB_VERSION_* lines of zkb_common.h at path."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    parts = []
    for name in ("MAJOR", "MINOR", "PATCH"):
        m = re.search(r"^#define ZKB_VERSION_%s +([0-9]+)$" % name, text, re.M)
        if not m:
            raise ValueError("%s: no ZKB_VERSION_%s line" % (path, name))
        parts.append(m.group(1))
    return ".".join(parts)


def source_header():
    """zkb_common.h of the source tree this package sits in, or None."""
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", "..", "..", ".."))  # src/zkmlbench -> repo
    path = os.path.join(root, _HEADER)
    return path if os.path.exists(path) else None


def package_version():
    header = source_header()
    if header:
        return header_version(header)
    try:
        from importlib.metadata import version
        return version("zkmlbench")
    except Exception:  # not installed either: a copied package directory
        return "0+unknown"


def soname(version_text):
    """The soname the library of this version has (README, "Versions"):
    libzkmlbench.so.0.<minor> while the major is 0, else .so.<major>."""
    parts = version_text.split(".")
    if len(parts) < 2 or not parts[0].isdigit():
        return None
    return "libzkmlbench.so.%s" % (".".join(parts[:2]) if parts[0] == "0" else parts[0])
