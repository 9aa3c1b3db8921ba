// zkmlbench plugins/noir driver: one phase per process, started by the C
// plugin through the host's spawn service (so its wall time, CPU time and
// peak RSS are measured by the host). Usage:
//
//   node noir_driver.mjs PHASE CONFIG.json RESULT.json
//
// PHASE: versions | compile | keygen | execute | prove | verify | commit |
// solidity, and the test hook tamper. commit is the verifier's side of
// weights=hashed: Barretenberg's Poseidon2 hash of the published weights,
// computed apart from the program. solidity writes the EVM verifier of a
// program's key (evm_verifier.mjs). keygen, prove and verify take
// cfg.transcript: "keccak" (default; UltraKeccakHonk, what the Solidity
// verifier checks) or "poseidon2" (UltraHonk's own). CONFIG holds paths and
// options (see each phase). RESULT gets "key value" lines: the library call's own time (`phase_s`, or
// `compile_s`/`gates_s` for compile), the start-up apart (`import_s`:
// loading the npm modules; `init_s`: a Barretenberg instance, its
// WebAssembly and threads, and the CRS read into it) and the phase's facts.
//
// Exit status: 0 ok, 3 proof rejected (verify), 4 CRS too small, 5 no EVM
// verifier can be made (solidity; the reason in `error`), 2 usage, 1 other
// errors.
// Nothing here touches the network: the CRS must already be in crs_path
// (bb.js would otherwise try to download Aztec's; we check first).
import { readFileSync, writeFileSync, statSync, renameSync } from 'fs';
import { pathToFileURL } from 'url';
import { gunzipSync } from 'zlib';
import { join } from 'path';
import { evmVerifier } from './evm_verifier.mjs';

const t_start = performance.now();
const [phase, cfgPath, outPath] = process.argv.slice(2);
if (!phase || !cfgPath || !outPath) {
    process.stderr.write('usage: node noir_driver.mjs PHASE CONFIG.json RESULT.json\n');
    process.exit(2);
}
const cfg = JSON.parse(readFileSync(cfgPath, 'utf8'));
const nm = join(cfg.tools_dir, 'node_modules');
const sec = (t0) => (performance.now() - t0) / 1000;
const result = { phase };

// RESULT: one "key value" line per fact (easy to read from C); arrays as
// key.0, key.1, ...; strings have their newlines flattened.
function done(code) {
    result.total_s = sec(t_start);
    const lines = [];
    for (const [k, v] of Object.entries(result)) {
        if (Array.isArray(v)) v.forEach((x, i) => lines.push(`${k}.${i} ${x}`));
        else lines.push(`${k} ${String(v).replace(/[\r\n]+/g, ' | ')}`);
    }
    writeFileSync(outPath, lines.join('\n') + '\n');
    process.exit(code);
}

function pkgVersion(name) {
    try {
        return JSON.parse(readFileSync(join(nm, name, 'package.json'), 'utf8')).version;
    } catch {
        return null;
    }
}

async function load(what) {
    const t0 = performance.now();
    let mod;
    if (what === 'noir_wasm') mod = await import(pathToFileURL(join(nm, '@noir-lang/noir_wasm/dist/node/main.js')));
    else if (what === 'noir_js') mod = await import(pathToFileURL(join(nm, '@noir-lang/noir_js/lib/index.mjs')));
    else if (what === 'bb') mod = await import(pathToFileURL(join(nm, '@aztec/bb.js/dest/node/index.js')));
    result.import_s = (result.import_s || 0) + sec(t0);
    return mod.default && !mod.compile_program && !mod.Noir && !mod.Barretenberg ? mod.default : mod;
}

function fileSize(p) {
    try {
        return statSync(p).size;
    } catch {
        return 0;
    }
}

// bb.js 0.82.2 (crs/node/index.js) uses crs_path/bn254_g{1,2}.dat when
// g1 has >= numPoints*64 bytes (a multiple of 64) and g2 has exactly 128;
// otherwise it downloads Aztec's CRS. Refuse before that could happen.
function checkCrs(numPoints) {
    const g1 = fileSize(join(cfg.crs_path, 'bn254_g1.dat'));
    const g2 = fileSize(join(cfg.crs_path, 'bn254_g2.dat'));
    result.crs_points = g1 / 64;
    if (g1 < numPoints * 64 || g1 % 64 !== 0 || g2 !== 128) {
        process.stderr.write(`CRS in ${cfg.crs_path} has ${Math.floor(g1 / 64)} G1 points ` +
            `(g2 ${g2} bytes); ${numPoints} needed. Refusing to let bb.js download one.\n`);
        result.error = 'crs too small';
        result.crs_points_needed = numPoints;
        done(4);
    }
}

function bytecodeOf(program) {
    return new Uint8Array(gunzipSync(Buffer.from(program.bytecode, 'base64')));
}

async function newBb(mod, sizeForCrs) {
    const t0 = performance.now();
    checkCrs(sizeForCrs + 1);
    const api = await mod.Barretenberg.new({ threads: cfg.threads || undefined, crsPath: cfg.crs_path });
    await api.initSRSForCircuitSize(sizeForCrs);
    result.init_s = sec(t0);
    result.threads = await api.getNumThreads();
    return api;
}

// The bb.js calls of the chosen Fiat-Shamir transcript.
function honk(api) {
    const t = cfg.transcript || 'keccak';
    result.transcript = t;
    if (t === 'keccak')
        return { vk: (b) => api.acirWriteVkUltraKeccakHonk(b, false),
                 prove: (b, w) => api.acirProveUltraKeccakHonk(b, false, w),
                 verify: (p, vk) => api.acirVerifyUltraKeccakHonk(p, vk) };
    if (t === 'poseidon2')
        return { vk: (b) => api.acirWriteVkUltraHonk(b, false),
                 prove: (b, w) => api.acirProveUltraHonk(b, false, w),
                 verify: (p, vk) => api.acirVerifyUltraHonk(p, vk) };
    throw new Error(`transcript ${t}: keccak or poseidon2`);
}

// BN254 scalar field modulus.
const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

// A field element as a signed decimal string: elements above p/2 are the
// negative integers x - p.
const signed = (x) => (x > P / 2n ? x - P : x).toString();

// Field elements (32-byte big-endian) as signed decimal strings.
function fieldsOf(buf, offset, n) {
    const out = [];
    for (let i = 0; i < n; i++) {
        const b = buf.subarray(offset + 32 * i, offset + 32 * (i + 1));
        out.push(signed(BigInt('0x' + Buffer.from(b).toString('hex'))));
    }
    return out;
}

// Barretenberg's Poseidon2 hash (api: a Barretenberg instance, sync or
// not) of a file of decimal integers, one a line, each taken mod p; as a
// signed decimal like the public inputs verify reports. result.hash_s: the
// hash's own time.
async function poseidon2Of(bbm, api, path) {
    const vals = readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => new bbm.Fr(((BigInt(l.trim()) % P) + P) % P));
    if (vals.length === 0) throw new Error(`${path}: no values`);
    const t0 = performance.now();
    const h = await api.poseidon2Hash(vals);
    result.hash_s = sec(t0);
    return signed(BigInt(h.toString()));
}

try {
    if (phase === 'versions') {
        result.noir_wasm = pkgVersion('@noir-lang/noir_wasm');
        result.noir_js = pkgVersion('@noir-lang/noir_js');
        result.bb_js = pkgVersion('@aztec/bb.js');
        result.node = process.version;
        done(result.noir_wasm && result.noir_js && result.bb_js ? 0 : 1);
    } else if (phase === 'compile') {
        // cfg: project (dir with Nargo.toml), program_out. noir_wasm compiles
        // the program to ACIR; bb counts its gates (no CRS needed).
        const nw = await load('noir_wasm');
        let t0 = performance.now();
        const fm = nw.createFileManager(cfg.project);
        const art = await nw.compile_program(fm, cfg.project, () => {}, () => {});
        result.compile_s = sec(t0);
        const program = art.program;
        writeFileSync(cfg.program_out, JSON.stringify(program));
        result.noir_version = program.noir_version;
        const bbm = await load('bb');
        const bytecode = bytecodeOf(program);
        t0 = performance.now();
        const api = await bbm.Barretenberg.new({ threads: cfg.threads || undefined, crsPath: cfg.crs_path });
        result.init_s = sec(t0);
        t0 = performance.now();
        const [total, subgroup] = await api.acirGetCircuitSizes(bytecode, false, true);
        result.gates_s = sec(t0);
        result.gates = total;
        result.circuit_size = subgroup;
        await api.destroy();
        done(0);
    } else if (phase === 'keygen') {
        // cfg: program, vk_out, crs_path, circuit_size. The verification key
        // (commitments to the circuit's polynomials under this CRS).
        const bbm = await load('bb');
        const program = JSON.parse(readFileSync(cfg.program, 'utf8'));
        const bytecode = bytecodeOf(program);
        const api = await newBb(bbm, cfg.circuit_size);
        const t0 = performance.now();
        const vk = await honk(api).vk(bytecode);
        result.phase_s = sec(t0);
        writeFileSync(cfg.vk_out, vk);
        result.vk_size = vk.length;
        const vkf = await api.acirVkAsFieldsUltraHonk(new bbm.RawBuffer(vk));
        result.num_public_inputs = Number(vkf[1].toString());
        await api.destroy();
        done(0);
    } else if (phase === 'execute') {
        // cfg: program, inputs (JSON file of the ABI inputs), witness_out
        const nj = await load('noir_js');
        const program = JSON.parse(readFileSync(cfg.program, 'utf8'));
        const inputs = JSON.parse(readFileSync(cfg.inputs, 'utf8'));
        const noir = new nj.Noir(program);
        const t0 = performance.now();
        const { witness, returnValue } = await noir.execute(inputs);
        result.phase_s = sec(t0);
        writeFileSync(cfg.witness_out, witness);
        result.witness_size = witness.length;
        result.return_value = JSON.stringify(returnValue);
        done(0);
    } else if (phase === 'prove') {
        // cfg: program, witness, proof_out, crs_path, circuit_size
        const bbm = await load('bb');
        const program = JSON.parse(readFileSync(cfg.program, 'utf8'));
        const bytecode = bytecodeOf(program);
        const witness = gunzipSync(readFileSync(cfg.witness));
        const api = await newBb(bbm, cfg.circuit_size);
        const t0 = performance.now();
        const proof = await honk(api).prove(bytecode, witness);
        result.phase_s = sec(t0);
        writeFileSync(cfg.proof_out, proof);
        result.proof_with_public_inputs_size = proof.length;
        await api.destroy();
        done(0);
    } else if (phase === 'verify') {
        // cfg: proof, vk, crs_path, num_public_inputs, and input_values
        // (input=hashed: the sample's quantized input, one integer a line,
        // whose Poseidon2 hash the verifier expects as the proof's input
        // commitment: result.input_commitment_expected)
        const bbm = await load('bb');
        const proof = readFileSync(cfg.proof);
        const vk = readFileSync(cfg.vk);
        const api = await newBb(bbm, 0);
        const t0 = performance.now();
        const ok = await honk(api).verify(proof, new bbm.RawBuffer(vk));
        if (cfg.input_values) result.input_commitment_expected = await poseidon2Of(bbm, api, cfg.input_values);
        result.phase_s = sec(t0);
        result.verified = !!ok;
        // proof = u32 BE size in fields, public inputs, then the proof proper
        const n = cfg.num_public_inputs;
        result.public_inputs = fieldsOf(proof, 4, n);
        result.proof_size = proof.length - 4 - 32 * n;
        await api.destroy();
        done(ok ? 0 : 3);
    } else if (phase === 'commit') {
        // cfg: weights (a file of decimal integers, one per line, in the
        // program's allw order). result.commitment: the Poseidon2 hash, as a
        // signed decimal like the public inputs verify reports.
        const bbm = await load('bb');
        const api = await bbm.BarretenbergSync.initSingleton();
        result.commitment = await poseidon2Of(bbm, api, cfg.weights);
        result.phase_s = result.hash_s;
        done(0);
    } else if (phase === 'solidity') {
        // cfg: program, vk (a keccak-transcript key), crs_path, verifier_out.
        // The verifier is written to a temporary name and renamed, so a
        // concurrent cell never reads half of one.
        const bbm = await load('bb');
        const program = JSON.parse(readFileSync(cfg.program, 'utf8'));
        const api = await newBb(bbm, 0);
        const t0 = performance.now();
        const v = await evmVerifier(api, bbm, bytecodeOf(program), readFileSync(cfg.vk),
                                    readFileSync(join(cfg.crs_path, 'bn254_g2.dat')));
        result.phase_s = sec(t0);
        await api.destroy();
        if (v.error) {
            result.error = v.error;
            process.stderr.write(`noir driver solidity: ${v.error}\n`);
            done(5);
        }
        const tmp = `${cfg.verifier_out}.tmp${process.pid}`;
        writeFileSync(tmp, v.source);
        renameSync(tmp, cfg.verifier_out);
        result.g2 = v.g2;
        result.number_of_public_inputs = v.n_public;
        result.proof_fields = v.proof_fields;
        result.verifier_bytes = v.source.length;
        done(0);
    } else if (phase === 'tamper') {
        // Test hook (tests/unit/test_noir.c): a cheating prover's witness.
        // cfg: program, witness, witness_out, target "output" (the first
        // return value + 1: a claimed output the program did not compute)
        // or "last" (the highest-numbered witness + 1: an intermediate).
        const nj = await load('noir_js');
        const program = JSON.parse(readFileSync(cfg.program, 'utf8'));
        const stack = nj.acvm.decompressWitnessStack(readFileSync(cfg.witness));
        const wmap = stack[0].witness;
        let idx;
        if (cfg.target === 'output') {
            const ret = nj.acvm.getReturnWitness(Buffer.from(program.bytecode, 'base64'), wmap);
            idx = Math.min(...ret.keys());
        } else {
            idx = Math.max(...wmap.keys());
        }
        const v = (BigInt(wmap.get(idx)) + 1n) % P;
        wmap.set(idx, '0x' + v.toString(16).padStart(64, '0'));
        writeFileSync(cfg.witness_out, nj.acvm.compressWitnessStack(stack));
        result.tampered_index = idx;
        done(0);
    } else {
        process.stderr.write(`unknown phase ${phase}\n`);
        done(2);
    }
} catch (e) {
    result.error = String(e && e.stack ? e.stack : e);
    process.stderr.write(`noir driver ${phase}: ${e && e.message ? e.message : e}\n`);
    done(1);
}
