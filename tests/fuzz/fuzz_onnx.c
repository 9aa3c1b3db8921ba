/* libFuzzer target: the ONNX loader (zkbi_onnx_parse). See docs/fuzzing.md;
 * invariants in fuzz_common.h. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[ZKBI_ERR_LEN];
    zkb_model *m = (zkb_model *)&err; /* must be overwritten (NULL on failure) */
    fuzz_err_prepare(err, sizeof err);
    zkb_status st = zkbi_onnx_parse(data, size, "fuzz.onnx", &m, err, sizeof err);
    if (st != ZKB_OK) {
        FUZZ_CHECK(m == NULL);
        fuzz_check_err(err, sizeof err);
        zkb_model *m2 = (zkb_model *)&err;
        fuzz_err_prepare(err, sizeof err);
        FUZZ_CHECK(zkbi_onnx_parse(data, size, "fuzz.onnx", &m2, err, FUZZ_SMALL_ERR) == st);
        FUZZ_CHECK(m2 == NULL);
        fuzz_check_small_err(err, sizeof err);
        return 0;
    }
    fuzz_check_model(m);
    zkb_model *m2 = NULL;
    FUZZ_CHECK(zkbi_onnx_parse(data, size, "again.onnx", &m2, err, sizeof err) == ZKB_OK);
    FUZZ_CHECK(strcmp(zkb_model_fingerprint(m), zkb_model_fingerprint(m2)) == 0);
    zkb_model_free(m2);
    zkb_model_free(m);
    return 0;
}
