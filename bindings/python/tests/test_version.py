import os

import zkmlbench
from zkmlbench import _version

HEADER = os.path.join(os.path.dirname(__file__), "..", "..", "..", "include", "zkmlbench", "zkb_common.h")


def test_one_version():
    v = _version.header_version(HEADER)
    assert zkmlbench.__version__ == v
    assert zkmlbench.version() == v  # the library of this tree
    major, minor, patch = (int(x) for x in v.split("."))
    assert zkmlbench.version_number() == major * 10000 + minor * 100 + patch


def test_soname_policy():
    assert _version.soname("0.1.0") == "libzkmlbench.so.0.1"
    assert _version.soname("0.12.3") == "libzkmlbench.so.0.12"
    assert _version.soname("1.4.2") == "libzkmlbench.so.1"
    assert _version.soname("0+unknown") is None
