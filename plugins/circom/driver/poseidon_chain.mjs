// plugins/circom: the Poseidon commitment of a list of field elements (a
// model's weights for weights=hashed, a sample's input for input=hashed),
// computed apart from the circuit with circomlibjs (iden3's reference
// implementation of circomlib's Poseidon), so that verify can check the
// commitment a proof makes public against the published weights or the
// sample. Usage:
//
//   node poseidon_chain.mjs NODE_MODULES VALUES.txt
//
// VALUES.txt: the quantized values in the circuit's order, one decimal
// integer per line (negative values are taken mod p). Prints the commitment
// as a decimal field element, as snarkjs writes public signals. The chain is
// gen_circuit.c's: Poseidon of the first min(16, n) values, then
// Poseidon(previous hash, the next up to 15 values) until all are in.
import { createRequire } from 'module';
import { readFileSync } from 'fs';
import { join, resolve } from 'path';

const [nm, file] = process.argv.slice(2);
if (!nm || !file) {
    process.stderr.write('usage: node poseidon_chain.mjs NODE_MODULES VALUES.txt\n');
    process.exit(2);
}
const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const vals = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => ((BigInt(l.trim()) % P) + P) % P);
if (vals.length === 0) {
    process.stderr.write(`${file}: no values\n`);
    process.exit(2);
}
const { buildPoseidon } = createRequire(join(resolve(nm), 'poseidon_chain.cjs'))('circomlibjs');
const poseidon = await buildPoseidon();
const n0 = Math.min(16, vals.length);
let h = poseidon(vals.slice(0, n0));
for (let at = n0; at < vals.length; at += 15) h = poseidon([h, ...vals.slice(at, at + 15)]);
process.stdout.write(poseidon.F.toString(h) + '\n');
process.exit(0);
