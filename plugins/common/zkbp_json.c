#include "zkbp_json.h"

#include <cjson/cJSON.h>

#include "zkbp_error.h"
#include "zkbp_files.h"
#include "zkbp_host.h"

cJSON *zkbp_json_read(zkb_host_ctx *h, const char *path)
{
    char *txt = zkbp_read_file(path, 1 << 26, NULL);
    int missing = !txt;
    cJSON *j = txt ? cJSON_Parse(txt) : NULL;
    zkbp_host->free(txt);
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        zkbp_fail(h, missing ? ZKB_ERR_IO : ZKB_ERR_PARSE, "%s: %s", path, missing ? "missing" : "not a JSON object");
        return NULL;
    }
    return j;
}

double zkbp_json_num(const cJSON *j, const char *key, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

const char *zkbp_json_str(const cJSON *j, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}
