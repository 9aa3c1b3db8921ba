/* Internal: the zk accuracy pass of a cell (runner_zkacc.c). */
#ifndef ZKBI_RUNNER_ZKACC_H
#define ZKBI_RUNNER_ZKACC_H

#include "run.h"

/* After the last verify: when the backend has eval_batch and its option
 * "accuracy_samples" is not 0, evaluate that many test samples of the run's
 * dataset through it and record metrics zk_accuracy_* and info zk_accuracy
 * in h; qm is the reference the outputs are compared with. Failures are
 * recorded as info, never fail the cell. */
void zkbi_zk_accuracy_pass(const zkbi_cell_job *job, const zkb_backend *vt, void *state,
                           const zkbi_qmodel *qm, zkb_host_ctx *h);

#endif
