// The EVM verifier of a Noir program (the driver's solidity phase): bb.js's
// own generator (acirHonkSolidityVerifier, a HonkVerifier contract that
// checks UltraKeccakHonk proofs), with one change: its pairing hard-codes
// [x]_2, the G2 point of Aztec's ignition CRS, and a proof made with any
// other CRS (the local testing one) can only verify against that CRS's
// [x]_2. So the four constants are replaced by the CRS's own point; a
// generated source that does not hold them exactly once, in order, is
// refused (no verifier) rather than patched somewhere else.

// Aztec's [x]_2 as bb.js 0.82.2 writes it, in the EIP-197 order the pairing
// precompile reads: x imaginary, x real, y imaginary, y real.
const IGNITION_X2 = [
    '0x260e01b251f6f1c7e7ff4e580791dee8ea51d87a358e038b4efe30fac09383c1',
    '0x0118c4d5b837bcc2bc89b5b398b5974e9f5944073b32078b7e231fec938883b0',
    '0x04fc6369f7110fe3d25156c1bb9a72859cf2a04641f99ba4ee413c80da6a5fe4',
    '0x22febda3c0c0632a56475b4214e5615e11e6dd3f96e6cea2854a87d4dacc5e55',
];

// bn254_g2.dat holds x.c0, x.c1, y.c0, y.c1 (real parts first, 32-byte
// big-endian each); EIP-197 wants each imaginary part first.
function eip197Of(g2) {
    const word = (i) => '0x' + Buffer.from(g2.subarray(32 * i, 32 * (i + 1))).toString('hex');
    return [word(1), word(0), word(3), word(2)];
}

const NOTE = '// zkmlbench plugins/noir: bb.js\'s generated HonkVerifier with the pairing\'s [x]_2\n' +
    '// (Aztec\'s ignition point) replaced by the [x]_2 of the CRS the proofs were made\n' +
    '// with. With the local testing-only CRS (known tau), anyone can forge proofs\n' +
    '// this contract accepts: for measuring only, never for deployment.\n';

const constantsRe = (words) =>
    new RegExp(words.map((w) => `uint256\\(${w}\\)`).join(',\\s*'), 'g');

// Returns {source, g2, n_public, proof_fields} or {error}.
export async function evmVerifier(api, bbm, bytecode, vk, g2) {
    if (g2.length !== 128) return { error: `the CRS's bn254_g2.dat has ${g2.length} bytes, not 128` };
    // typed as a string, but bb.js 0.82.2 hands back the UTF-8 bytes
    const out = await api.acirHonkSolidityVerifier(bytecode, new bbm.RawBuffer(vk));
    const source = typeof out === 'string' ? out : new TextDecoder().decode(out);
    if (!/function verify\(bytes calldata \w+, bytes32\[\] calldata \w+\)/.test(source))
        return { error: 'the generated verifier has no verify(bytes, bytes32[])' };
    const npub = /uint256 constant NUMBER_OF_PUBLIC_INPUTS = (\d+);/.exec(source);
    const psize = /uint256 constant PROOF_SIZE = (\d+);/.exec(source);
    if (!npub || !psize) return { error: 'the generated verifier does not state NUMBER_OF_PUBLIC_INPUTS and PROOF_SIZE' };
    const found = source.match(constantsRe(IGNITION_X2)) || [];
    if (found.length !== 1)
        return { error: `the generated verifier holds Aztec's [x]_2 constants ${found.length} times, not once: ` +
                        'this CRS\'s point cannot be put in its place' };
    const ours = eip197Of(g2);
    const same = ours.every((w, i) => w === IGNITION_X2[i]);
    const patched = same ? source : NOTE + source.replace(constantsRe(IGNITION_X2),
        ours.map((w) => `uint256(${w})`).join(',\n            '));
    return {
        source: patched,
        g2: same ? 'ignition' : 'replaced',
        n_public: Number(npub[1]),
        proof_fields: Number(psize[1]),
    };
}
