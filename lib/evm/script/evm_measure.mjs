// evm_measure.mjs - the EVM step (docs/evm.md): compile one verifier contract
// with the pinned solc, deploy it in the pinned in-process EVM and send it
// each proof's calldata; optionally send tampered copies that must be
// rejected. No node, no network: @ethereumjs/vm runs in this process.
//
//   node evm_measure.mjs REQUEST.json RESULT.json
//
// REQUEST: {"toolchain": DIR (holding node_modules), "source": FILE.sol,
//           "contract": NAME or "", "hardfork": "osaka",
//           "optimizer_runs": N (0: optimizer off),
//           "calls": [{"calldata": FILE, "proof_offset": N, "proof_len": N,
//                      "output_offset": N}],
//           "tamper": true|false}
// RESULT: versions, sizes, gas (see docs/evm.md); exit 0 whenever RESULT was
// written (a failed call is a fact in it), 1 otherwise with the reason on stderr.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [reqPath, outPath] = process.argv.slice(2);
if (!reqPath || !outPath) {
  console.error('usage: node evm_measure.mjs REQUEST.json RESULT.json');
  process.exit(2);
}
const req = JSON.parse(fs.readFileSync(reqPath, 'utf8'));
const need = createRequire(path.join(path.resolve(req.toolchain), 'package.json'));
const solc = need('solc');
const { createVM, runTx } = need('@ethereumjs/vm');
const { Common, Mainnet } = need('@ethereumjs/common');
const { createLegacyTx, paramsTx } = need('@ethereumjs/tx');
const { Account, createAddressFromPrivateKey, hexToBytes, bytesToHex } = need('@ethereumjs/util');
const version = (pkg) => JSON.parse(fs.readFileSync(
  path.join(path.resolve(req.toolchain), 'node_modules', pkg, 'package.json'), 'utf8')).version;

// Mainnet's limits are checked here, not enforced by the EVM, so that a
// verifier over them still gets its gas measured (on a chain without them).
const EIP170_LIMIT = 24576; // runtime code of a contract
const EIP3860_LIMIT = 49152; // initcode of a creation
const TX_GAS_CAP = 16777216; // EIP-7825 (osaka): the most one transaction may use
const RELAXED_GAS = 1n << 30n; // deploys and proofs: whatever they need
const TAMPERED_GAS = BigInt(TX_GAS_CAP); // tampered proofs only need to be refused
const t0 = performance.now();
const ms = () => Math.round((performance.now() - t0) * 10) / 10;
const result = {
  solc: solc.version(),
  evm: `@ethereumjs/vm ${version('@ethereumjs/vm')}`,
  hardfork: req.hardfork,
  optimizer_runs: req.optimizer_runs,
};

// ---- compile
const source = fs.readFileSync(req.source, 'utf8');
const settings = {
  evmVersion: req.hardfork,
  optimizer: { enabled: req.optimizer_runs > 0, runs: Math.max(req.optimizer_runs, 1) },
  outputSelection: { '*': { '*': ['evm.bytecode.object', 'evm.bytecode.linkReferences',
                                  'evm.deployedBytecode.object', 'evm.methodIdentifiers'] } },
};
const file = path.basename(req.source);
const compiled = JSON.parse(solc.compile(JSON.stringify({
  language: 'Solidity', sources: { [file]: { content: source } }, settings })));
const errors = (compiled.errors || []).filter((e) => e.severity === 'error');
if (errors.length) {
  console.error(`solc ${result.solc}: ${req.source} does not compile:\n` +
                errors.map((e) => e.formattedMessage).join('\n').slice(0, 4000));
  process.exit(1);
}
result.solc_evm_version = settings.evmVersion;
result.compile_ms = ms();
const contracts = compiled.contracts[file] || {};
let name = req.contract;
if (!name) { // the deployable contract with the most code (libraries come first)
  name = Object.keys(contracts).filter((n) => contracts[n].evm.deployedBytecode.object.length > 0)
    .sort((a, b) => contracts[b].evm.deployedBytecode.object.length -
                    contracts[a].evm.deployedBytecode.object.length)[0];
}
if (!name || !contracts[name]) {
  console.error(`${req.source} has no contract '${req.contract}' (it has: ${Object.keys(contracts).join(', ')})`);
  process.exit(1);
}
result.contract = name;

// ---- deploy (libraries first, linked)
const common = new Common({ chain: Mainnet, hardfork: req.hardfork });
const vm = await createVM({ common, evmOpts: { allowUnlimitedContractSize: true, allowUnlimitedInitCodeSize: true } });
const txParams = JSON.parse(JSON.stringify(paramsTx));
txParams[7825] = { ...(txParams[7825] || {}), maxTransactionGasLimit: Number(RELAXED_GAS) };
const key = hexToBytes('0x' + '11'.repeat(32));
await vm.stateManager.putAccount(createAddressFromPrivateKey(key), new Account(0n, 10n ** 30n));
let nonce = 0n;
async function send(to, data, gasLimit = RELAXED_GAS) {
  const tx = createLegacyTx({ nonce: nonce++, gasPrice: 10n ** 9n, gasLimit, to, data },
                            { common, params: txParams, allowUnlimitedInitCodeSize: true }).sign(key);
  return runTx(vm, { tx, skipBlockGasLimitValidation: true });
}
const calldataGas = (b) => b.reduce((g, x) => g + (x === 0 ? 4 : 16), 0);
const deployed = {};
result.libraries = [];
async function deploy(cname) {
  if (deployed[cname]) return deployed[cname];
  const c = contracts[cname];
  if (!c) throw new Error(`library ${cname} is not in ${req.source}`);
  let code = c.evm.bytecode.object;
  for (const [, libs] of Object.entries(c.evm.bytecode.linkReferences || {})) {
    for (const [lib, refs] of Object.entries(libs)) {
      const addr = (await deploy(lib)).toString().slice(2);
      for (const r of refs) code = code.slice(0, 2 * r.start) + addr + code.slice(2 * (r.start + r.length));
    }
  }
  const res = await send(undefined, hexToBytes('0x' + code));
  if (res.execResult.exceptionError || !res.createdAddress)
    throw new Error(`deploying ${cname} failed: ${res.execResult.exceptionError?.error ?? 'no address'}`);
  const runtime = c.evm.deployedBytecode.object.length / 2;
  if (cname === name) {
    result.initcode_bytes = code.length / 2;
    result.runtime_bytes = runtime;
    result.deploy_gas = Number(res.totalGasSpent);
  } else {
    result.libraries.push({ name: cname, runtime_bytes: runtime, deploy_gas: Number(res.totalGasSpent) });
  }
  deployed[cname] = res.createdAddress;
  return res.createdAddress;
}
try {
  await deploy(name);
} catch (e) {
  console.error(String(e.message || e));
  process.exit(1);
}
const all = [result, ...result.libraries];
result.exceeds_eip170 = all.some((c) => c.runtime_bytes > EIP170_LIMIT);
result.exceeds_eip3860 = result.initcode_bytes > EIP3860_LIMIT;
result.deploy_exceeds_tx_cap = all.some((c) => c.deploy_gas > TX_GAS_CAP);
result.deploy_gas_total = result.deploy_gas + result.libraries.reduce((g, l) => g + l.deploy_gas, 0);
result.deploy_ms = ms();
const target = deployed[name];

// ---- calls
const isTrue = (ret) => ret.length === 32 && ret[31] === 1 && ret.slice(0, 31).every((x) => x === 0);
async function call(data, gasLimit) {
  const res = await send(target, data, gasLimit);
  const ex = res.execResult.exceptionError;
  const ret = res.execResult.returnValue;
  return {
    gas: Number(res.totalGasSpent),
    calldata_bytes: data.length,
    calldata_gas: calldataGas(data),
    accepted: !ex && isTrue(ret),
    outcome: ex ? `reverted (${ex.error})` : isTrue(ret) ? 'returned true' : `returned ${bytesToHex(ret).slice(0, 70)}`,
  };
}
result.calls = [];
for (const c of req.calls) {
  const data = new Uint8Array(fs.readFileSync(c.calldata));
  result.calls.push(await call(data, RELAXED_GAS));
}
result.verify_exceeds_tx_cap = result.calls.some((c) => c.gas > TX_GAS_CAP);
result.calls_ms = ms();

// ---- tampered copies of the first proof, which the verifier must reject
if (req.tamper && req.calls.length) {
  const c = req.calls[0];
  const data = new Uint8Array(fs.readFileSync(c.calldata));
  result.tampered = [];
  if (c.proof_len > 0) {
    const flipped = new Uint8Array(data);
    const at = c.proof_offset + Math.floor(c.proof_len / 2);
    flipped[at] ^= 0x01;
    result.tampered.push({ what: `proof byte ${at} flipped`, ...(await call(flipped, TAMPERED_GAS)) });
  }
  if (c.output_offset + 32 <= data.length) {
    const changed = new Uint8Array(data);
    for (let i = c.output_offset + 31; i >= c.output_offset; i--) { // + 1 to the big-endian word
      changed[i] += 1; // a Uint8Array element wraps 0xff to 0: then carry on
      if (changed[i] !== 0) break;
    }
    result.tampered.push({ what: `public output word at ${c.output_offset} plus 1`,
                          ...(await call(changed, TAMPERED_GAS)) });
  }
}
result.total_ms = ms();
fs.writeFileSync(outPath, JSON.stringify(result, null, 1) + '\n');
