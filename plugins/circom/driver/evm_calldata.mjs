// plugins/circom: one proof's call to the Solidity verifier that snarkjs
// generated (`zkey export solidityverifier`), as the binary calldata an EVM
// takes: the 4-byte selector of verifyProof, then the ABI words, from the
// text `snarkjs zkey export soliditycalldata` prints. Usage:
//
//   node evm_calldata.mjs NODE_MODULES VERIFIER.sol CALLDATA.txt OUT.bin
//
// Prints one line: `contract NAME proof_words N public_words M signature SIG`.
// The verifier's signature is read from VERIFIER.sol, not assumed: groth16
// verifyProof(uint[2],uint[2][2],uint[2],uint[N]), plonk
// verifyProof(uint256[24],uint256[N]), fflonk verifyProof(bytes32[24],
// uint256[N]). Every argument must be a static array of 32-byte words (their
// ABI encoding is the words in order); the last one is the public signals.
// The selector is keccak256 of the canonical signature, with @noble/hashes,
// snarkjs's own dependency.
import { createRequire } from 'module';
import { readFileSync, writeFileSync } from 'fs';
import { join, resolve } from 'path';

const [nm, sol, text, out] = process.argv.slice(2);
const fail = (msg) => {
    process.stderr.write(`evm_calldata: ${msg}\n`);
    process.exit(2);
};
if (!nm || !sol || !text || !out) fail('usage: node evm_calldata.mjs NODE_MODULES VERIFIER.sol CALLDATA.txt OUT.bin');

const src = readFileSync(sol, 'utf8');
const contract = (src.match(/^\s*contract\s+(\w+)/m) || [])[1];
const params = (src.match(/function\s+verifyProof\s*\(([^)]*)\)/) || [])[1];
if (!contract || params === undefined) fail(`${sol}: no contract with a verifyProof function`);

// "uint[2][2] calldata _pB" -> type uint256[2][2], 4 words
const args = params.split(',').map((p) => {
    const type = p.trim().split(/\s+/)[0];
    const m = type.match(/^(uint|int|uint\d+|int\d+|bytes32|bool|address)((?:\[\d+\])+)$/);
    if (!m) fail(`${sol}: verifyProof argument '${p.trim()}' is not a static array of words`);
    const base = m[1] === 'uint' || m[1] === 'int' ? `${m[1]}256` : m[1];
    const words = [...m[2].matchAll(/\[(\d+)\]/g)].reduce((n, d) => n * Number(d[1]), 1);
    return { type: base + m[2], words };
});
if (args.length < 2) fail(`${sol}: verifyProof takes ${args.length} argument(s), expected a proof and public signals`);
const signature = `verifyProof(${args.map((a) => a.type).join(',')})`;
const total = args.reduce((n, a) => n + a.words, 0);

const words = readFileSync(text, 'utf8').match(/0x[0-9a-fA-F]+/g) || [];
if (words.length !== total)
    fail(`${text}: ${words.length} words, but ${signature} takes ${total}`);

const need = createRequire(join(resolve(nm), 'snarkjs', 'package.json'));
const { keccak_256 } = need('@noble/hashes/sha3');
const selector = keccak_256(new TextEncoder().encode(signature)).slice(0, 4);
const data = Buffer.alloc(4 + 32 * total);
Buffer.from(selector).copy(data, 0);
words.forEach((w, i) => {
    const hex = w.slice(2).replace(/^0+/, '');
    if (hex.length > 64) fail(`${text}: word ${i} is longer than 32 bytes`);
    Buffer.from(hex.padStart(64, '0'), 'hex').copy(data, 4 + 32 * i);
});
writeFileSync(out, data);
const pub = args[args.length - 1].words;
process.stdout.write(`contract ${contract} proof_words ${total - pub} public_words ${pub} signature ${signature}\n`);
process.exit(0);
