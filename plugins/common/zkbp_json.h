/* The JSON files a driver writes (its results, its timings), read with
 * cJSON. */
#ifndef ZKBP_JSON_H
#define ZKBP_JSON_H

#include "zkmlbench/zkb_plugin.h"

typedef struct cJSON cJSON;

/* The JSON object in path (at most 64 MiB), or NULL with a failure recorded
 * through zkbp_fail: ZKB_ERR_IO "<path>: missing", ZKB_ERR_PARSE "<path>:
 * not a JSON object". Free it with cJSON_Delete. */
cJSON *zkbp_json_read(zkb_host_ctx *h, const char *path);

/* j.key as a number (dflt when it is missing or not one), or as a string
 * (NULL when it is missing or not one). */
double zkbp_json_num(const cJSON *j, const char *key, double dflt);
const char *zkbp_json_str(const cJSON *j, const char *key);

#endif
