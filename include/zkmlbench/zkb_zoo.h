/* zkb_zoo.h - the model zoo: the reference study's MNIST models and the heart
 * models, trained by the library's deterministic trainer (docs/training.md).
 * Compiles as C11 and C++17. */
#ifndef ZKB_ZOO_H
#define ZKB_ZOO_H

#include "zkmlbench.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The zoo's entries, by index; NULL when out of range. */
ZKB_API size_t zkb_zoo_count(void);
ZKB_API const char *zkb_zoo_name(size_t i);
/* The dataset it trains on ("mnist", "mnist14", "heart_std"). */
ZKB_API const char *zkb_zoo_dataset(size_t i);
/* The reference study's float test accuracy in %, or a negative value. */
ZKB_API double zkb_zoo_target_accuracy(size_t i);

/* Train entry i on its dataset's train split (the full 60k MNIST training
 * set when present in the data directory, else the 10k subset) and write
 * <out_dir>/<name>.json. Same data, same build: the same bytes. threads 0
 * means every core; the result does not depend on it. test_acc and seconds
 * (may be NULL) receive the float test accuracy in % and the wall time.
 * Errors in zkb_ctx_last_error. */
ZKB_API zkb_status zkb_zoo_train(zkb_ctx *ctx, size_t i, const char *out_dir, uint32_t threads,
                                 double *test_acc, double *seconds);

#ifdef __cplusplus
}
#endif

#endif /* ZKB_ZOO_H */
