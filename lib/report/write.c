/* Writing the charts, and all outputs into one directory. */
#include "report_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int make_dir(const char *path)
{
    if (mkdir(path, 0755) == 0 || errno == EEXIST) {
        struct stat sb;
        return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode) ? 0 : -1;
    }
    return -1;
}

/* mkdir -p */
static int make_dirs(const char *path)
{
    char *p = strdup(path);
    if (!p)
        return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (make_dir(p) != 0) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = make_dir(p);
    free(p);
    return rc;
}

static zkb_status save(zkb_report *r, zkbr_buf *b, const char *path)
{
    if (b->oom) {
        zkbr_seterr(r, "out of memory writing %s", path);
        return ZKB_ERR_NOMEM;
    }
    if (zkbr_buf_save(b, path) != 0) {
        zkbr_seterr(r, "cannot write %s: %s", path, strerror(errno));
        return ZKB_ERR_IO;
    }
    if (zkbr_record_file(r, path) != 0) {
        zkbr_seterr(r, "out of memory");
        return ZKB_ERR_NOMEM;
    }
    return ZKB_OK;
}

zkb_status zkbr_save(zkb_report *r, zkbr_buf *b, const char *path) { return save(r, b, path); }

static zkb_status one_chart(zkb_report *r, const char *dir, const char *name, int rc, zkbr_buf *b)
{
    char *path = NULL;
    zkb_status st;
    if (rc != 0 || asprintf(&path, "%s/%s", dir, name) < 0) {
        zkbr_seterr(r, "out of memory drawing %s", name);
        st = ZKB_ERR_NOMEM;
    } else {
        st = save(r, b, path);
    }
    free(path);
    zkbr_buf_free(b);
    return st;
}

zkb_status zkb_report_write_charts(zkb_report *r, const char *dir)
{
    if (!r || !dir)
        return ZKB_ERR_INVALID_ARG;
    char *cdir = NULL;
    if (asprintf(&cdir, "%s/charts", dir) < 0)
        return ZKB_ERR_NOMEM;
    if (make_dirs(cdir) != 0) {
        zkbr_seterr(r, "cannot create %s: %s", cdir, strerror(errno));
        free(cdir);
        return ZKB_ERR_IO;
    }
    zkb_status st = ZKB_OK;
    char name[256];
    for (size_t m = 0; m < r->n_models && st == ZKB_OK; m++) {
        if (zkbr_radar_drawable(r, m) != 0)
            continue;
        zkbr_buf b = {0};
        zkbr_chart_radar_name(r, m, name, sizeof name);
        st = one_chart(r, cdir, name, zkbr_chart_radar(r, m, &b), &b);
    }
    for (size_t i = 0; i < zkbr_n_bar_metrics && st == ZKB_OK; i++) {
        if (zkbr_bar_drawable(r, &zkbr_bar_metrics[i]) != 0)
            continue;
        zkbr_buf b = {0};
        snprintf(name, sizeof name, "bar_%s.svg", zkbr_bar_metrics[i].name);
        st = one_chart(r, cdir, name, zkbr_chart_bar(r, &zkbr_bar_metrics[i], &b), &b);
    }
    for (uint32_t k = 0; k < ZKB_REPORT_SCALING_COUNT && st == ZKB_OK; k++) {
        if (zkbr_scaling_drawable(r, k) != 0)
            continue;
        zkbr_buf b = {0};
        snprintf(name, sizeof name, "scaling_%s.svg", zkbr_scaling_names[k]);
        st = one_chart(r, cdir, name, zkbr_chart_scaling(r, k, &b), &b);
    }
    free(cdir);
    return st;
}

zkb_status zkb_report_write(zkb_report *r, const char *out_dir)
{
    if (!r || !out_dir)
        return ZKB_ERR_INVALID_ARG;
    if (make_dirs(out_dir) != 0) {
        zkbr_seterr(r, "cannot create %s: %s", out_dir, strerror(errno));
        return ZKB_ERR_IO;
    }
    char *p = NULL;
    zkb_status st = zkb_report_write_charts(r, out_dir);
    static const char *const names[] = {"report.md", "results.csv", "summary.json"};
    for (int i = 0; i < 3 && st == ZKB_OK; i++) {
        if (asprintf(&p, "%s/%s", out_dir, names[i]) < 0)
            return ZKB_ERR_NOMEM;
        st = i == 0 ? zkb_report_write_markdown(r, p) : i == 1 ? zkb_report_write_csv(r, p) : zkb_report_write_json(r, p);
        free(p);
    }
    return st;
}
