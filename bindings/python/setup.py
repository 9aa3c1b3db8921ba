"""The version comes from the library's header, the one place it is written
(pyproject.toml declares it dynamic); everything else is in pyproject.toml."""
import os
import runpy

from setuptools import setup

here = os.path.dirname(os.path.abspath(__file__))
_v = runpy.run_path(os.path.join(here, "src", "zkmlbench", "_version.py"))
header = os.path.join(here, "..", "..", "include", "zkmlbench", "zkb_common.h")
if not os.path.exists(header):
    raise SystemExit("setup.py: %s not found: build the bindings from the zkmlbench source tree "
                     "(pip install bindings/python)" % os.path.normpath(header))
setup(version=_v["header_version"](header))
