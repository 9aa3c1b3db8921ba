import pytest

from zkmlbench import Check, CheckResult, Status, ZkbError

from conftest import model_path


def _by_name(checks):
    return {c.check: c for c in checks}


def test_reference_passes(ctx):
    checks, failed = ctx.conformance("reference", timeout=60)
    assert failed == 0
    assert all(isinstance(c, Check) and c.detail is not None for c in checks)
    assert not [c for c in checks if c.result == CheckResult.FAIL]
    by = _by_name(checks)
    for name in ("load", "probe", "run", "run.outputs", "cleanup", "errors"):
        assert by[name].result == CheckResult.PASS, by[name]
    assert by["probe"].detail.startswith("available")
    assert sum(c.result == CheckResult.PASS for c in checks) >= 18


def test_backend_or_path_and_model(ctx):
    ref = ctx.backend("reference")
    checks, failed = ctx.conformance(ref, model=model_path("tiny", "tiny_cnn.json"), timeout=60)
    assert failed == 0 and _by_name(checks)["run"].result == CheckResult.PASS
    by_path, failed = ctx.conformance(ref.path, timeout=60)
    assert failed == 0 and [c.check for c in by_path] == [c.check for c in checks]


def test_conformance_errors(ctx, tmp_path):
    with pytest.raises(ZkbError) as e:
        ctx.conformance("reference", model=str(tmp_path / "none.json"))
    assert e.value.message.startswith("conformance of ")
    with pytest.raises(ZkbError) as e:
        ctx.conformance("no_such_backend")
    assert e.value.status == Status.NOT_FOUND


def test_unloadable_plugin_fails_load(ctx, tmp_path):
    bogus = tmp_path / "bogus.so"
    bogus.write_text("not an ELF file")
    checks, failed = ctx.conformance(str(bogus), timeout=30)
    assert failed >= 1
    assert _by_name(checks)["load"].result == CheckResult.FAIL
    # the same checks as for a plugin that loads, those that cannot run skipped
    ref_checks, _ = ctx.conformance("reference", timeout=60)
    assert [c.check for c in checks] == [c.check for c in ref_checks]


def test_memory_cap(ctx):
    checks, failed = ctx.conformance("reference", timeout=60, memory_cap="1G")
    assert failed == 0
    checks, failed = ctx.conformance("reference", timeout=60, memory_cap=1 << 30)
    assert failed == 0
    with pytest.raises(ZkbError) as e:
        ctx.conformance("reference", memory_cap="lots")
    assert e.value.status == Status.INVALID_ARG
    assert "memory cap 'lots'" in e.value.message
