/* Deterministic secrets from a seed string (testing only: anyone who knows
 * the seed knows tau). */
#include <openssl/evp.h>
#include <string.h>

#include "srs_int.h"

static int derive_one(zkbi_fe *out, const char *label, uint32_t ctr, const char *seed)
{
    static const char dom[] = "zkmlbench-srs-v1 TESTING ONLY";
    unsigned char c4[4] = {(unsigned char)(ctr >> 24), (unsigned char)(ctr >> 16), (unsigned char)(ctr >> 8),
                           (unsigned char)ctr};
    unsigned char h[64];
    unsigned int hl = 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md && EVP_DigestInit_ex(md, EVP_sha512(), NULL) == 1 &&
             EVP_DigestUpdate(md, dom, sizeof dom) == 1 &&           /* includes the NUL */
             EVP_DigestUpdate(md, label, strlen(label) + 1) == 1 &&
             EVP_DigestUpdate(md, c4, 4) == 1 &&
             EVP_DigestUpdate(md, seed, strlen(seed)) == 1 && EVP_DigestFinal_ex(md, h, &hl) == 1 &&
             hl == 64;
    EVP_MD_CTX_free(md);
    if (!ok)
        return -1;
    zkbi_fr_from_hash512(out, h);
    return 0;
}

int zkbi_srs_derive(zkbi_srs_secrets *s, const char *seed)
{
    for (uint32_t ctr = 0;; ctr++) {
        if (derive_one(&s->tau, "tau", ctr, seed) != 0)
            return -1;
        /* tau^(2^28) != 1 keeps tau off every domain the files use */
        zkbi_fe t = s->tau;
        for (int i = 0; i < 28; i++)
            zkbi_fr_mul(&t, &t, &t);
        if (!zkbi_fe_is_zero(&s->tau) && !zkbi_fe_eq(&t, &zkbi_fr_r1))
            break;
    }
    for (uint32_t ctr = 0;; ctr++) {
        if (derive_one(&s->alpha, "alpha", ctr, seed) != 0)
            return -1;
        if (!zkbi_fe_is_zero(&s->alpha))
            break;
    }
    for (uint32_t ctr = 0;; ctr++) {
        if (derive_one(&s->beta, "beta", ctr, seed) != 0)
            return -1;
        if (!zkbi_fe_is_zero(&s->beta))
            break;
    }
    return 0;
}
