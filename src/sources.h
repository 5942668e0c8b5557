/* SPDX-License-Identifier: MIT */
/* Discovery: registries of public STAC catalogs (STAC Index's
 * /api/catalogs format) read into sources, and the state kept per source in
 * the index: its kind, the survey's verdict and when it was made, the last
 * harvest. Used by src/harvest.c (harvest --registry) and src/query.c
 * (stacml sources). */
#ifndef SRC_SOURCES_H
#define SRC_SOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "crawler/fetch.h"
#include "index/index.h"

/* One entry of a registry. */
struct source {
    char *url; /* normalised; NULL when the entry had none usable */
    char *title;
    char *id;
    bool is_api; /* what the registry claims */
    char *skip;  /* why it is not harvested (protected, bad URL), or NULL */
};

struct source_list {
    struct source *v;
    size_t n, cap;
};

/* How a registry is fetched: with the settings of the harvest's own
 * requests, a max_doc_size of 0 meaning the registry's own bound (32 MiB),
 * which also bounds a registry file. */
struct sources_fetch {
    struct fetch_options fetch;
    const char *const *headers; /* credentials, "Name: value", or NULL */
};

/* Read the registry at where (an http(s) URL, fetched as how says, or a
 * local file) and append its entries to out; an entry whose URL is in
 * out already (listed twice, under another spelling or by another
 * registry) is taken once, public over protected. Entries that are not
 * public are kept with skip set, unless their host is one of cred_hosts
 * (credentials were given for it); a registry fetched from one of
 * cred_hosts is sent how->headers. Returns 0, or an SM_E_* code with a
 * message in err. */
int sources_read(const char *where, const struct sources_fetch *how,
                 const char *const *cred_hosts, struct source_list *out,
                 char *err, size_t errlen);

/* sources_read() of a registry document already read from where (named
 * in messages): data, len bytes. */
int sources_parse(const char *where, const char *data, size_t len,
                  const char *const *cred_hosts, struct source_list *out,
                  char *err, size_t errlen);

void sources_free(struct source_list *l);

/* The stored state of the source at url (a new reference), or NULL. */
json_t *sources_load(struct index *ix, const char *url);

/* Stage the state of a source (borrowed). */
void sources_store(struct index *ix, const char *url, const json_t *state);

/* Parse a duration: a number with s, m, h, d or w ("7d"), or a bare 0;
 * seconds in *out. Returns 0 or SM_E_INVAL. */
int sources_parse_duration(const char *s, int64_t *out);

#define SOURCES_META_PREFIX "source/"

#endif
