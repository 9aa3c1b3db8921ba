/* Option plumbing for zkb_backend.set_option. The host has already checked
 * the key and the value's type against the backend's declarations; these
 * read the value into the session. */
#ifndef ZKBP_OPTIONS_H
#define ZKBP_OPTIONS_H

#include "zkmlbench/zkb_plugin.h"

/* The value's string; "" when it has none. */
const char *zkbp_opt_string(const zkb_option_value *v);

/* *dst (host->alloc'd, or NULL) becomes a copy of the value's string, NULL
 * for "" (the option's default). ZKB_OK or ZKB_ERR_NOMEM. */
zkb_status zkbp_opt_strdup(char **dst, const zkb_option_value *v);

/* *index becomes the position of the value among the choices the backend
 * declares for key ("groth16|plonk|fflonk": 0, 1, 2). Otherwise
 * ZKB_ERR_INVALID_ARG with "key: groth16, plonk or fflonk, not <value>". */
zkb_status zkbp_opt_choice(zkb_host_ctx *h, const char *key, const zkb_option_value *v, int *index);

#endif
