/* zkb_backend.evm_proof: what the host needs to check the last verified
 * proof on an EVM. The verifier is bb.js's own HonkVerifier (the driver's
 * solidity phase, driver/evm_verifier.mjs: UltraKeccakHonk proofs only,
 * with the pairing's [x]_2 set to the CRS in use), made once per program
 * and key and kept in the program's cache entry; the calldata of
 * verify(bytes proof, bytes32[] publicInputs) is written per proof from
 * bb.js's proof buffer (u32 big-endian field count, the public inputs, the
 * proof proper). */
#include "noir_int.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* keccak256("verify(bytes,bytes32[])")[0..4]; the solidity phase checks
 * that the contract has this function. */
static const unsigned char VERIFY_SELECTOR[4] = {0xea, 0x50, 0xd0, 0xe4};

/* The facts of a made verifier, <pdir>/HonkVerifier.meta: written after the
 * .sol is in place, so its presence means a complete verifier. */
typedef struct verifier_meta {
    char g2[32]; /* "replaced" or "ignition" */
    unsigned long long n_public, proof_fields;
} verifier_meta;

static int read_meta(const char *path, verifier_meta *m)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int n = fscanf(f, "g2 %31s public %llu proof_fields %llu", m->g2, &m->n_public, &m->proof_fields);
    fclose(f);
    return n == 3 ? 0 : -1;
}

static zkb_status make_verifier(nr_state *s, const char *meta, verifier_meta *m)
{
    nr_cfg cfg;
    nr_cfg_start(&cfg, s);
    nr_cfg_path(&cfg, "program", s->program);
    nr_cfg_path(&cfg, "vk", s->vk);
    nr_cfg_path(&cfg, "crs_path", s->crs_path);
    nr_cfg_path(&cfg, "verifier_out", s->verifier);
    nr_result r;
    zkb_status st = nr_driver(s, "solidity", &cfg, &r);
    char why[512] = "";
    nr_result_str(&r, "error", why, sizeof why);
    double np = 0, pf = 0;
    int ok = st == ZKB_OK && nr_result_str(&r, "g2", m->g2, sizeof m->g2) &&
             nr_result_num(&r, "number_of_public_inputs", &np) == 0 && nr_result_num(&r, "proof_fields", &pf) == 0;
    nr_result_free(&r);
    if (st == ZKB_ERR_CHILD && why[0])
        return zkbp_fail(s->h, ZKB_ERR_UNSUPPORTED, "no EVM verifier: %s", why);
    if (st != ZKB_OK)
        return st;
    if (!ok)
        return zkbp_fail(s->h, ZKB_ERR_PARSE, "the solidity phase reported no g2, public input count or proof size");
    m->n_public = (unsigned long long)np;
    m->proof_fields = (unsigned long long)pf;
    char text[128], tmp[ZKBP_PATH];
    zkbp_fmt(text, sizeof text, "g2 %s\npublic %llu\nproof_fields %llu\n", m->g2, m->n_public, m->proof_fields);
    zkbp_fmt(tmp, sizeof tmp, "%s.tmp%d", meta, (int)getpid());
    if (zkbp_write_text(tmp, text) != 0 || rename(tmp, meta) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write %s", meta);
    return ZKB_OK;
}

/* The verifier of this program and key, made or found in the cache entry;
 * sets s->verifier and s->evm_generator. */
static zkb_status verifier(nr_state *s, verifier_meta *m)
{
    char meta[ZKBP_PATH];
    zkbp_fmt(s->verifier, sizeof s->verifier, "%s/HonkVerifier.sol", s->pdir);
    zkbp_fmt(meta, sizeof meta, "%s/HonkVerifier.meta", s->pdir);
    zkb_status st = ZKB_OK;
    if ((read_meta(meta, m) != 0 || !zkbp_file_exists(s->verifier)) && (st = make_verifier(s, meta, m)) != ZKB_OK)
        return st;
    if (m->n_public != s->n_public)
        return zkbp_fail(s->h, ZKB_ERR_STATE, "the EVM verifier takes %llu public inputs, the program has %llu",
                         m->n_public, (unsigned long long)s->n_public);
    const char *g2 = strcmp(m->g2, "ignition") == 0 ? ""
                     : s->crs_dir_opt                ? ", [x]_2 replaced by the crs_dir CRS's"
                                                     : ", [x]_2 replaced by the testing CRS's";
    zkbp_fmt(s->evm_generator, sizeof s->evm_generator, "bb.js %s acirHonkSolidityVerifier (UltraKeccakHonk)%s",
             s->t.bb_js_version, g2);
    return ZKB_OK;
}

static void put_word(unsigned char *w, uint64_t v)
{
    memset(w, 0, 32);
    for (int i = 0; i < 8; i++)
        w[31 - i] = (unsigned char)(v >> (8 * i));
}

/* calldata of verify(proof proper, public inputs) from bb.js's buffer;
 * *proof_len: the proof proper's bytes. */
static zkb_status write_calldata(nr_state *s, const verifier_meta *m, uint64_t *proof_len)
{
    char pf[ZKBP_PATH];
    zkbp_fmt(pf, sizeof pf, "%s/proof.bin", s->wdir);
    size_t n = 0;
    unsigned char *b = (unsigned char *)zkbp_read_file(pf, (size_t)1 << 24, &n);
    if (!b)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot read %s", pf);
    uint64_t head = 4 + 32 * s->n_public, plen = n >= head ? n - head : 0;
    uint64_t fields = n >= 4 ? ((uint64_t)b[0] << 24 | (uint64_t)b[1] << 16 | (uint64_t)b[2] << 8 | b[3]) : 0;
    if (plen == 0 || fields * 32 != n - 4 || plen != 32 * m->proof_fields) {
        zkbp_host->free(b);
        return zkbp_fail(s->h, ZKB_ERR_PARSE,
                         "%s: %zu bytes, %llu fields said; the verifier wants %llu public inputs and %llu proof fields",
                         pf, n, (unsigned long long)fields, (unsigned long long)s->n_public, m->proof_fields);
    }
    zkbp_fmt(s->calldata, sizeof s->calldata, "%s/calldata-%llu.bin", s->wdir, (unsigned long long)s->n_calldata++);
    FILE *f = fopen(s->calldata, "wb");
    unsigned char w[32];
    int ok = f != NULL && fwrite(VERIFY_SELECTOR, 1, 4, f) == 4;
    /* head: the offsets of the two dynamic arguments; then each one's length
     * and words (the proof is whole words, so unpadded) */
    uint64_t words[] = {64, 64 + 32 + plen, plen};
    for (size_t i = 0; ok && i < 3; i++) {
        put_word(w, words[i]);
        ok = fwrite(w, 1, 32, f) == 32;
    }
    ok = ok && fwrite(b + head, 1, plen, f) == plen;
    put_word(w, s->n_public);
    ok = ok && fwrite(w, 1, 32, f) == 32 && fwrite(b + 4, 1, head - 4, f) == head - 4;
    zkbp_host->free(b);
    if (f && fclose(f) != 0)
        ok = 0;
    if (!ok)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write %s", s->calldata);
    *proof_len = plen;
    return ZKB_OK;
}

zkb_status nr_evm_proof(void *state, zkb_evm_proof *out)
{
    nr_state *s = state;
    if (s->transcript != NR_T_KECCAK)
        return zkbp_fail(s->h, ZKB_ERR_UNSUPPORTED,
                         "transcript=poseidon2: bb.js's Solidity verifier checks keccak-transcript proofs only "
                         "(transcript=keccak, the default)");
    if (!s->have_proof)
        return zkbp_fail(s->h, ZKB_ERR_STATE, "evm_proof before a proof");
    verifier_meta m;
    zkb_status st = verifier(s, &m);
    uint64_t plen = 0;
    if (st != ZKB_OK || (st = write_calldata(s, &m, &plen)) != ZKB_OK)
        return st;
    /* calldata: selector, 2 offsets, the proof's length word, the proof,
     * the array's length word, the public inputs */
    uint64_t proof_at = 4 + 3 * 32, inputs_at = proof_at + plen + 32;
    zkb_evm_proof p = {.n_public = (uint32_t)s->n_public, .verifier_path = s->verifier,
                       .contract = "HonkVerifier", .calldata_path = s->calldata, .proof_offset = proof_at,
                       .proof_len = plen, .output_offset = inputs_at + 32 * nr_outputs_at(s),
                       .generator = s->evm_generator};
    zkbp_evm_proof_give(out, &p);
    return ZKB_OK;
}
