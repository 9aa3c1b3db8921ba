#!/usr/bin/env python3
"""zkmlbench's driver for ezkl: one ezkl call per process (docs/ezkl.md).

    python zkb_ezkl_driver.py PHASE --workdir DIR [options]

The plugin (plugins/ezkl) runs one of these per phase through the host's
spawn service, so the host measures the phase's wall time and peak memory
(of this process). Inside, the ezkl call itself is timed with
time.perf_counter around it (`call_s`), apart from interpreter start-up and
imports (`startup_s`: from process start to `import ezkl` done).

Prints exactly one JSON object on stdout, the last line:
    {"ok": true, "phase": P, "startup_s": .., "call_s": .., "metrics": {k: [v, unit]},
     "infos": {k: str}, ...phase results}
or on failure (exit status 1)
    {"ok": false, "phase": P, "error": "message", "verify_failed": bool}
ezkl's own chatter (calibration tables, logs) goes to stderr.

Never calls ezkl.get_srs (it downloads): the SRS is made with gen_srs,
locally, which is for testing only. Nor lets create_evm_verifier download
a solc (keep_svm_local).
"""
import time

T0 = time.perf_counter()
try:  # process start, when the platform knows it
    import os as _os

    _ticks = _os.sysconf("SC_CLK_TCK")
    with open("/proc/self/stat") as _f:
        _start_ticks = int(_f.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as _f:
        _up = float(_f.read().split()[0])
    _since_start = max(0.0, _up - _start_ticks / _ticks)
except Exception:  # pragma: no cover
    _since_start = 0.0

import argparse
import json
import os
import random
import sys

EZKL_IMPORT_ERROR = None
try:
    import ezkl
except Exception as e:  # reported by the phase, as JSON
    ezkl = None
    EZKL_IMPORT_ERROR = "%s: %s" % (type(e).__name__, e)
STARTUP_S = _since_start + (time.perf_counter() - T0)

HERE = os.path.dirname(os.path.abspath(__file__))


class Fail(Exception):
    def __init__(self, msg, verify_failed=False):
        super().__init__(msg)
        self.verify_failed = verify_failed


def emit(obj):
    # A clean last line on stdout, whatever ezkl printed before.
    sys.stdout.flush()
    sys.stdout.write("\n" + json.dumps(obj) + "\n")
    sys.stdout.flush()


def timed(fn, **kw):
    """The measured ezkl call: returns (result, seconds)."""
    t = time.perf_counter()
    r = fn(**kw)
    return r, time.perf_counter() - t


def need_ezkl():
    if ezkl is None:
        raise Fail("ezkl not installed (%s): run scripts/setup-python.sh" % EZKL_IMPORT_ERROR)


def fsize(p):
    try:
        return os.path.getsize(p)
    except OSError:
        return 0


def load_json(p):
    with open(p, encoding="utf-8") as f:
        return json.load(f)


def settings_summary(path):
    s = load_json(path)
    ra = s.get("run_args", {})
    m = {}
    for k in ("logrows", "input_scale", "param_scale", "scale_rebase_multiplier",
              "num_inner_cols", "decomp_base", "decomp_legs"):
        if isinstance(ra.get(k), (int, float)):
            m[k] = [ra[k], "count" if k in ("num_inner_cols", "decomp_legs") else
                    ("log2" if "scale" in k and k != "scale_rebase_multiplier" else "count")]
    for k, key in (("num_rows", "rows"), ("total_assignments", "assignments"),
                   ("total_const_size", "constants")):
        if isinstance(s.get(k), (int, float)):
            m[key] = [s[k], "count"]
    outs = s.get("model_output_scales") or []
    if outs:
        m["output_scale"] = [outs[0], "log2"]
    ins = s.get("model_input_scales") or []
    if ins:
        m["model_input_scale"] = [ins[0], "log2"]
    # what the evaluator's ezkl scheme does not model (docs/ezkl.md)
    m["rebase_frac_zero_constants"] = [1 if ra.get("rebase_frac_zero_constants") else 0, "bool"]
    m["rebase_scale_set"] = [0 if ra.get("rebase_scale") is None else 1, "bool"]
    lr = ra.get("lookup_range")
    infos = {
        "input_visibility": str(ra.get("input_visibility")),
        "param_visibility": str(ra.get("param_visibility")),
        "output_visibility": str(ra.get("output_visibility")),
        "check_mode": str(s.get("check_mode", ra.get("check_mode"))),
        "required_range_checks": json.dumps(s.get("required_range_checks")),
        "lookup_range": json.dumps(lr),
    }
    return m, infos, s


def input_size_of(onnx_path):
    import onnx

    g = onnx.load(onnx_path).graph
    inits = {i.name for i in g.initializer}
    for i in g.input:
        if i.name in inits:
            continue
        n = 1
        for d in i.type.tensor_type.shape.dim[1:]:
            n *= d.dim_value if d.dim_value > 0 else 1
        return n
    raise Fail("%s: no graph input" % onnx_path)


# ---- phases ---------------------------------------------------------------


def ph_probe(a):
    need_ezkl()
    out = {"infos": {"ezkl_version": getattr(ezkl, "__version__", "unknown"),
                     "python_version": sys.version.split()[0]}}
    try:
        import onnx

        out["infos"]["onnx_version"] = onnx.__version__
    except Exception as e:
        raise Fail("onnx not installed (%s): run scripts/setup-python.sh" % e)
    return out


def ph_export(a):
    sys.path.insert(0, HERE)
    import export_onnx

    t = time.perf_counter()
    info = export_onnx.export(load_json(a.model), a.out)
    dt = time.perf_counter() - t
    return {"call_s": dt, "metrics": {"onnx_nodes": [info["nodes"], "count"],
                                      "onnx_size": [fsize(a.out), "bytes"]},
            "infos": {"onnx_ops": ",".join(info["ops"])}}


def ph_settings(a):
    need_ezkl()
    ra = ezkl.PyRunArgs()
    ra.input_visibility = a.input_visibility
    ra.param_visibility = a.param_visibility
    ra.output_visibility = a.output_visibility
    if a.input_scale is not None:
        ra.input_scale = a.input_scale
    if a.param_scale is not None:
        ra.param_scale = a.param_scale
    if a.scale_rebase_multiplier is not None:
        ra.scale_rebase_multiplier = a.scale_rebase_multiplier
    if a.logrows:
        ra.logrows = a.logrows
    if a.decomp_base:
        ra.decomp_base = a.decomp_base
    if a.decomp_legs:
        ra.decomp_legs = a.decomp_legs
    if a.num_inner_cols:
        ra.num_inner_cols = a.num_inner_cols
    ok, dt = timed(ezkl.gen_settings, model=a.onnx, output=a.settings, py_run_args=ra)
    if not ok:
        raise Fail("gen_settings returned False")
    m, infos, _ = settings_summary(a.settings)
    return {"call_s": dt, "metrics": m, "infos": infos}


def ph_calibrate(a):
    need_ezkl()
    n_in = input_size_of(a.onnx)
    rng = random.Random(a.seed)
    # Calibration data: synthetic inputs uniform in [lo, hi] (the host gives
    # the plugin no dataset samples before witness; MNIST pixels are in [0, 1]).
    data = [rng.uniform(a.lo, a.hi) for _ in range(n_in * a.samples)]
    with open(a.data, "w", encoding="utf-8") as f:
        json.dump({"input_data": [data]}, f)
    kw = dict(data=a.data, model=a.onnx, settings=a.settings, target=a.target)
    if a.scales:
        kw["scales"] = [int(x) for x in a.scales.split(",") if x]
    if a.scale_rebase_multiplier:
        kw["scale_rebase_multiplier"] = [a.scale_rebase_multiplier]
    if a.max_logrows:
        kw["max_logrows"] = a.max_logrows
    ok, dt = timed(ezkl.calibrate_settings, **kw)
    if not ok:
        raise Fail("calibrate_settings returned False")
    m, infos, _ = settings_summary(a.settings)
    return {"call_s": dt, "metrics": m, "infos": infos}


def ph_compile(a):
    need_ezkl()
    ok, dt = timed(ezkl.compile_circuit, model=a.onnx, compiled_circuit=a.compiled,
                   settings_path=a.settings)
    if not ok:
        raise Fail("compile_circuit returned False")
    m, infos, _ = settings_summary(a.settings)
    m["compiled_size"] = [fsize(a.compiled), "bytes"]
    return {"call_s": dt, "metrics": m, "infos": infos}


def ph_srs(a):
    need_ezkl()
    if os.path.exists(a.srs) and fsize(a.srs) > 0:
        return {"call_s": 0.0, "cached": True, "metrics": {"srs_size": [fsize(a.srs), "bytes"]}}
    tmp = "%s.tmp.%d" % (a.srs, os.getpid())
    # Local random SRS: for testing only (never get_srs, which downloads).
    _, dt = timed(ezkl.gen_srs, srs_path=tmp, logrows=a.logrows)
    # The first SRS of this size stays: a cell running at the same time that
    # made its own must not replace the one another cell's keys were made
    # with (its proofs would then fail to verify).
    try:
        os.link(tmp, a.srs)
        cached = False
    except FileExistsError:
        cached = True
    finally:
        os.unlink(tmp)
    return {"call_s": dt, "cached": cached, "metrics": {"srs_size": [fsize(a.srs), "bytes"]}}


def ph_setup(a):
    need_ezkl()
    ok, dt = timed(ezkl.setup, model=a.compiled, vk_path=a.vk, pk_path=a.pk, srs_path=a.srs)
    if not ok:
        raise Fail("setup returned False")
    return {"call_s": dt, "metrics": {"pk_size": [fsize(a.pk), "bytes"],
                                      "vk_size": [fsize(a.vk), "bytes"]}}


def jint(v):
    # JSON numbers are doubles to cJSON: integers beyond 2^53 go as strings
    return v if -(1 << 53) <= v <= (1 << 53) else str(v)


def felts_to_ints(felts):
    return [jint(int(ezkl.felt_to_int(x))) for x in felts]


def flat(v):
    out = []
    for x in v:
        if isinstance(x, list):
            out.extend(flat(x))
        else:
            out.append(x)
    return out


def ph_witness(a):
    need_ezkl()
    with open(a.input, encoding="utf-8") as f:
        x = [float(v) for v in f.read().split()]
    with open(a.data, "w", encoding="utf-8") as f:
        json.dump({"input_data": [x]}, f)
    w, dt = timed(ezkl.gen_witness, data=a.data, model=a.compiled, output=a.witness)
    outs = flat(w.get("outputs", [])) if isinstance(w, dict) else flat(load_json(a.witness)["outputs"])
    wj = load_json(a.witness)
    rescaled = [float(v) for v in flat(wj.get("pretty_elements", {}).get("rescaled_outputs", []))]
    return {"call_s": dt, "outputs_q": felts_to_ints(outs), "outputs_f": rescaled,
            "metrics": {"witness_size": [fsize(a.witness), "bytes"]}}


def ph_witness_batch(a):
    """gen_witness for many samples in one process (accuracy over a test
    set): --input holds one sample per line (whitespace-separated floats);
    --out receives {"outputs_q": [[..] or null, ..], "call_s": [..], "failed": n,
    "first_error": str}; null: gen_witness failed for that sample (e.g. a
    value outside the range calibration allowed for)."""
    need_ezkl()
    with open(a.input, encoding="utf-8") as f:
        xs = [[float(v) for v in line.split()] for line in f if line.strip()]
    outs, times = [], []
    failed, first_error = 0, None
    t_start = time.perf_counter()
    stopped = False
    for i, x in enumerate(xs):
        if a.max_seconds and time.perf_counter() - t_start > a.max_seconds:
            stopped = True  # the caller's time budget: the outputs so far
            break
        dp = "batch_in.json"
        with open(dp, "w", encoding="utf-8") as f:
            json.dump({"input_data": [x]}, f)
        t = time.perf_counter()
        try:
            w = ezkl.gen_witness(data=dp, model=a.compiled, output="batch_witness.json")
            if not isinstance(w, dict):
                w = load_json("batch_witness.json")
            outs.append(felts_to_ints(flat(w.get("outputs", []))))
        except Exception as e:  # e.g. a value outside the calibrated range
            outs.append(None)
            failed += 1
            if first_error is None:
                first_error = "sample %d: %s: %s" % (i, type(e).__name__, e)
        times.append(time.perf_counter() - t)
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump({"outputs_q": outs, "call_s": times, "failed": failed,
                   "first_error": first_error}, f)
    total = sum(times)
    res = {"call_s": total, "samples": len(outs), "stopped_early": stopped,
           "metrics": {"witness_batch_samples": [len(outs), "count"],
                       "witness_batch_failed": [failed, "count"],
                       "witness_batch_mean_s": [total / len(outs) if outs else 0.0, "s"]}}
    if first_error:
        res["infos"] = {"witness_batch_first_error": first_error[:500]}
    return res


def ph_prove(a):
    need_ezkl()
    _, dt = timed(ezkl.prove, witness=a.witness, model=a.compiled, pk_path=a.pk,
                  proof_path=a.proof, srs_path=a.srs)
    p = load_json(a.proof)
    hexp = p.get("hex_proof") or ""
    nbytes = (len(hexp) - 2) // 2 if hexp.startswith("0x") else len(p.get("proof") or [])
    return {"call_s": dt, "metrics": {"proof_size": [nbytes, "bytes"],
                                      "proof_file_size": [fsize(a.proof), "bytes"]}}


def ph_verify(a):
    need_ezkl()
    for p in (a.proof, a.vk, a.settings, a.srs):
        if not os.path.exists(p):
            raise Fail("%s: no such file" % p)
    try:
        ok, dt = timed(ezkl.verify, proof_path=a.proof, settings_path=a.settings,
                       vk_path=a.vk, srs_path=a.srs)
    except Exception as e:
        raise Fail("proof did not verify: %s" % e, verify_failed=True)
    if not ok:
        raise Fail("proof did not verify (verify returned False)", verify_failed=True)
    p = load_json(a.proof)
    inst = flat(p.get("instances") or [])
    w = load_json(a.witness)
    wouts = flat(w.get("outputs") or [])
    n = len(wouts)
    # Outputs are the last public instances (inputs, hashes, then outputs).
    pouts = inst[-n:] if a.output_visibility == "public" and n and len(inst) >= n else []
    res = {"call_s": dt, "verified": True, "n_instances": len(inst),
           "witness_outputs_q": felts_to_ints(wouts)}
    if pouts:
        res["outputs_q"] = felts_to_ints(pouts)
        res["outputs_match_witness"] = res["outputs_q"] == res["witness_outputs_q"]
    return res


# ---- the EVM verifier (docs/ezkl.md, "On-chain verification (EVM)") -----

# ezkl's create_evm_verifier writes the whole Solidity source, then, only to
# write the ABI file, compiles it with a solc 0.8.20 that foundry-compilers
# finds in svm's directory or downloads (unpinned, from
# binaries.soliditylang.org). zkmlbench compiles the source with its own
# pinned solc, so that step is kept off the network and out of the user's
# home: HOME and XDG_DATA_HOME point into the work directory and every proxy
# variable at a closed local port.
NO_DOWNLOAD_PROXY = "http://127.0.0.1:9"
EVM_CONTRACT = "Halo2Verifier"  # what create_evm_verifier renders (not reusable)


def keep_svm_local(workdir):
    home = os.path.join(workdir, "evm_home")
    os.makedirs(home, exist_ok=True)
    os.environ["HOME"] = home
    os.environ["XDG_DATA_HOME"] = os.path.join(home, "share")
    for k in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        os.environ[k] = NO_DOWNLOAD_PROXY
    for k in ("NO_PROXY", "no_proxy"):
        os.environ.pop(k, None)


def sol_complete(path, contract):
    """The rendered verifier is all there: the contract, balanced braces,
    ending with the contract's closing brace."""
    try:
        with open(path, encoding="utf-8") as f:
            t = f.read()
    except (OSError, UnicodeDecodeError):
        return False
    if "contract %s {" % contract not in t or not t.rstrip().endswith("}"):
        return False
    depth = 0
    for c in t:
        depth += (c == "{") - (c == "}")
        if depth < 0:
            return False
    return depth == 0


def make_evm_verifier(a):
    """create_evm_verifier into a.sol; returns (seconds, what happened to
    ezkl's own solc step)."""
    keep_svm_local(os.getcwd())
    for p in (a.sol, a.abi):
        if os.path.exists(p):
            os.unlink(p)

    import asyncio

    async def call():  # the binding wants a running event loop
        return await ezkl.create_evm_verifier(vk_path=a.vk, settings_path=a.settings, sol_code_path=a.sol,
                                              abi_path=a.abi, srs_path=a.srs, reusable=False)

    t = time.perf_counter()
    err = None
    try:
        asyncio.run(call())
    except Exception as e:  # the solc step, or anything before the source was written
        err = "%s: %s" % (type(e).__name__, e)
    dt = time.perf_counter() - t
    if not sol_complete(a.sol, EVM_CONTRACT):
        raise Fail("ezkl create_evm_verifier wrote no complete %s (%s)" %
                   (a.sol, err or "it returned without error"))
    if err is None:
        return dt, "ezkl compiled it with an svm solc already installed under %s" % os.environ["HOME"]
    return dt, "ezkl's own solc step (ABI file only) did not run: %s" % err[:300]


def be_word(b, at):
    if at + 32 > len(b):
        raise Fail("calldata of %d bytes has no word at %d" % (len(b), at))
    return int.from_bytes(b[at:at + 32], "big")


def ph_evm_export(a):
    """The verifier (once per session: --sol given) and this proof's
    calldata with where its proof bytes and public outputs lie."""
    need_ezkl()
    res = {"contract": EVM_CONTRACT, "ezkl_version": getattr(ezkl, "__version__", "unknown"),
           "metrics": {}, "infos": {}}
    dt = 0.0
    if a.sol:
        dt, solc_step = make_evm_verifier(a)
        res["infos"]["evm_verifier_ezkl"] = "create_evm_verifier wrote %s (%d bytes); %s" % (
            a.sol, fsize(a.sol), solc_step)
        res["metrics"]["ezkl_create_evm_verifier_s"] = [dt, "s"]
    _, dt_enc = timed(ezkl.encode_evm_calldata, proof=a.proof, calldata=a.out)
    res["call_s"] = dt + dt_enc
    with open(a.out, "rb") as f:
        cd = f.read()
    # verifyProof(bytes proof, uint256[] instances): selector, two offsets,
    # then each argument's length and data. ezkl appends one more word (the
    # length of an empty vka list, for its reusable verifier), which this
    # function's ABI never reads.
    proof_at = 4 + be_word(cd, 4) + 32
    proof_len = be_word(cd, 4 + be_word(cd, 4))
    inst_len_at = 4 + be_word(cd, 36)
    n_inst = be_word(cd, inst_len_at)
    inst_at = inst_len_at + 32
    p = load_json(a.proof)
    inst = flat(p.get("instances") or [])
    hexp = p.get("hex_proof") or ""
    if hexp.startswith("0x") and cd[proof_at:proof_at + proof_len] != bytes.fromhex(hexp[2:]):
        raise Fail("calldata: the proof bytes at %d differ from the proof's hex_proof" % proof_at)
    if n_inst != len(inst) or inst_at + 32 * n_inst > len(cd):
        raise Fail("calldata: %d instances at %d, the proof has %d" % (n_inst, inst_at, len(inst)))
    for i, h in enumerate(inst):  # proof.json holds little-endian hex
        if be_word(cd, inst_at + 32 * i) != int.from_bytes(bytes.fromhex(h), "little"):
            raise Fail("calldata: instance %d differs from the proof's" % i)
    # The outputs are the last instances (public outputs come after the
    # hashes and public inputs: ezkl's prepare_public_inputs).
    outs = flat(load_json(a.witness).get("outputs") or [])
    n_out = len(outs)
    if a.output_visibility != "public" or not 0 < n_out <= n_inst or inst[-n_out:] != outs:
        raise Fail("the last %d of the proof's %d instances are not its public outputs (output "
                   "visibility %s)" % (n_out, n_inst, a.output_visibility))
    res.update({"calldata_bytes": len(cd), "proof_offset": proof_at, "proof_len": proof_len,
                "n_public": n_inst, "output_offset": inst_at + 32 * (n_inst - n_out),
                "n_outputs": n_out, "trailing_bytes": len(cd) - (inst_at + 32 * n_inst)})
    return res


PHASES = {"probe": ph_probe, "export": ph_export, "settings": ph_settings,
          "calibrate": ph_calibrate, "compile": ph_compile, "srs": ph_srs, "setup": ph_setup,
          "witness": ph_witness, "witness_batch": ph_witness_batch, "prove": ph_prove,
          "verify": ph_verify, "evm_export": ph_evm_export}


def parse(argv):
    ap = argparse.ArgumentParser(prog="zkb_ezkl_driver.py")
    ap.add_argument("phase", choices=sorted(PHASES))
    ap.add_argument("--workdir", default=".")
    for k in ("model", "out", "onnx", "settings", "compiled", "srs", "vk", "pk", "data",
              "input", "witness", "proof", "scales", "sol", "abi"):
        ap.add_argument("--" + k)
    ap.add_argument("--input-visibility", dest="input_visibility", default="public")
    ap.add_argument("--param-visibility", dest="param_visibility", default="fixed")
    ap.add_argument("--output-visibility", dest="output_visibility", default="public")
    for k in ("input-scale", "param-scale", "scale-rebase-multiplier"):
        ap.add_argument("--" + k, dest=k.replace("-", "_"), type=int, default=None)
    for k in ("logrows", "decomp-base", "decomp-legs", "num-inner-cols", "max-logrows",
              "samples", "seed"):
        ap.add_argument("--" + k, dest=k.replace("-", "_"), type=int, default=0)
    ap.add_argument("--target", default="resources")
    ap.add_argument("--lo", type=float, default=0.0)
    ap.add_argument("--hi", type=float, default=1.0)
    ap.add_argument("--max-seconds", dest="max_seconds", type=float, default=0.0)
    return ap.parse_args(argv)


def main(argv):
    try:
        a = parse(argv)
    except SystemExit:
        emit({"ok": False, "phase": argv[0] if argv else "", "error": "bad driver arguments: %s" % argv})
        return 2
    os.chdir(a.workdir)
    if a.samples <= 0:
        a.samples = 1
    try:
        r = PHASES[a.phase](a)
    except Fail as e:
        emit({"ok": False, "phase": a.phase, "error": str(e), "verify_failed": e.verify_failed,
              "startup_s": STARTUP_S})
        return 1
    except Exception as e:  # ezkl raises RuntimeError / IOError with its message
        emit({"ok": False, "phase": a.phase, "error": "%s: %s" % (type(e).__name__, e),
              "verify_failed": False, "startup_s": STARTUP_S})
        return 1
    r.setdefault("call_s", 0.0)
    r.update({"ok": True, "phase": a.phase, "startup_s": STARTUP_S})
    emit(r)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
