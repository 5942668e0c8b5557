/* SPDX-License-Identifier: MIT */
/* Make an index look as an older stacml left it, for tests of what a
 * harvest by this one makes of such an index (tests/e2e/upgrade.sh):
 *
 *   old-index DB state URL FLAGS LINKS
 *     store the crawl state of URL again as an older stacml did: without
 *     CRAWL_F_SOUND, with FLAGS (a number, or "=" to keep them) and LINKS
 *     (the "rel\tURL\n" lines, "" for none, or "=" to keep them)
 *   old-index DB model URL FILE
 *     store the model record an older stacml made of the STAC document
 *     FILE at URL (of any type, a Catalog too), with the source and run of
 *     URL's crawl state
 *
 * Exit status 0, or 1 with a message. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "index/detect.h"
#include "index/index.h"
#include "index/model.h"
#include "index/record.h"
#include "src/err.h"
#include "src/history.h"

static int restate(struct index *ix, const char *url, const char *flags,
                   const char *links)
{
    struct crawl_state st;
    int rc = index_get_crawl(ix, url, &st);
    if (rc != 0)
        return rc;
    if (strcmp(flags, "=") != 0)
        st.flags = (unsigned)strtoul(flags, NULL, 0);
    st.flags &= ~(unsigned)CRAWL_F_SOUND;
    if (strcmp(links, "=") != 0) {
        free(st.links);
        st.links = *links ? strdup(links) : NULL;
    }
    rc = index_put_crawl(ix, url, &st);
    crawl_state_cleanup(&st);
    return rc;
}

static int put_model(struct index *ix, const char *url, const char *file)
{
    struct crawl_state st;
    int rc = index_get_crawl(ix, url, &st);
    if (rc != 0)
        return rc;
    json_t *doc = json_load_file(file, 0, NULL);
    if (!doc) {
        crawl_state_cleanup(&st);
        return SM_E_PARSE;
    }
    unsigned exts = detect_document(doc);
    json_t *rec = record_new(doc, url, st.source, exts);
    model_read(doc, url, exts, rec);
    rc = history_put(ix, INDEX_MODELS, url, rec, st.run, (int64_t)time(NULL),
                     false, NULL, NULL);
    json_decref(rec);
    json_decref(doc);
    crawl_state_cleanup(&st);
    return rc;
}

int main(int argc, char **argv)
{
    struct index *ix = NULL;
    int rc = SM_E_INVAL;
    bool is_state = argc == 6 && strcmp(argv[2], "state") == 0;
    bool is_model = argc == 5 && strcmp(argv[2], "model") == 0;
    if (!is_state && !is_model) {
        fprintf(stderr, "usage: old-index DB state URL FLAGS LINKS\n"
                        "       old-index DB model URL FILE\n");
        return 1;
    }
    rc = index_open(argv[1], INDEX_WRITE, &ix);
    if (rc == 0)
        rc = is_state ? restate(ix, argv[3], argv[4], argv[5])
                      : put_model(ix, argv[3], argv[4]);
    if (rc == 0)
        rc = index_commit(ix);
    index_close(ix);
    if (rc != 0) {
        fprintf(stderr, "old-index: %s: %s\n", argv[3], sm_strerror(rc));
        return 1;
    }
    return 0;
}
