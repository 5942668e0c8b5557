/* SPDX-License-Identifier: MIT */
/* Which links of a STAC document a crawler follows, as absolute normalised
 * URLs. Pure: JSON in, list out. Resolution uses the URL the document was
 * actually fetched from, never its (possibly stale or relative) self link. */
#ifndef CRAWLER_LINKS_H
#define CRAWLER_LINKS_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

/* At most this many links are taken from one document. */
#define LINKS_MAX 100000

enum link_rel {
    LINK_REL_CHILD, /* child */
    LINK_REL_ITEM,  /* item */
    LINK_REL_ITEMS, /* items (API collection -> item pages) */
    LINK_REL_NEXT,  /* next, GET only */
    LINK_REL_DATA,  /* data (API landing -> /collections) */
    LINK_REL_TRAIN, /* ml-model:train-data, derived_from split train/none */
    LINK_REL_VALIDATION, /* derived_from with ml-aoi:split validate */
    LINK_REL_TEST,       /* ml-model:test-data, derived_from split test */
};

struct link {
    char *url; /* absolute, normalised; owned by the list */
    enum link_rel rel;
};

struct links {
    struct link *v;
    size_t n;
    size_t cap;
    size_t n_ignored;      /* rels we never follow (root, parent, self, ...) */
    size_t n_rejected;     /* followable rel, but bad href/scheme/type */
    bool truncated;        /* more than LINKS_MAX followable links */
    char first_error[160]; /* first rejection reason, "" if none */
};

void links_init(struct links *l);
void links_cleanup(struct links *l);

/* Append to out the followable links of doc, resolved against base (the
 * fetched URL after redirects). Followed rels: child, item, items, data,
 * next (GET only: a link with "method" other than GET is skipped), and the
 * training-data rels (ml-model:train-data, ml-model:test-data, and
 * derived_from, whose ml-aoi:split gives train/validate/test; no split means
 * train). Never followed: root, parent, collection, self and any other rel.
 * Rejected (counted in n_rejected, reason in first_error): hrefs that are
 * not strings, registry references (url_is_registry_ref), hrefs that fail to
 * resolve, URLs longer than URL_MAX_LEN, schemes other than http/https, and
 * file:// targets unless allow_file is true (only documents that were
 * themselves read from a local file may lead to local files), and links
 * whose "type" says they are not JSON (anything without "json" in it, and
 * OCI/docker image types; a missing type is accepted).
 * Returns 0, or SM_E_TOOBIG when more than LINKS_MAX links were found (the
 * first LINKS_MAX are kept and truncated is set). */
int links_extract(const json_t *doc, const char *base, bool allow_file,
                  struct links *out);

/* A link object's members that decide, as the document had them: what
 * links_extract() reads through jansson, and what crawler/prescan.c finds
 * with no tree. A repeated member is its last occurrence (jansson's rule). */
enum link_value {
    LINK_VALUE_ABSENT,
    LINK_VALUE_STRING,
    LINK_VALUE_NULL,
    LINK_VALUE_OTHER, /* a number, boolean, object or array */
};

struct link_member {
    enum link_value kind;
    const char *s; /* LINK_VALUE_STRING: NUL-terminated */
    size_t n;      /* its length, embedded NUL bytes included */
};

struct link_fields {
    bool is_object; /* else the entry has no members */
    struct link_member rel, href, type, method, split; /* ml-aoi:split */
};

/* links_extract() over entries already taken apart: the same links, the
 * same counts and the same first reason as for the JSON they came from. */
int links_extract_fields(const struct link_fields *v, size_t n,
                         const char *base, bool allow_file, struct links *out);

/* Resolve href against base as a link to follow, under the rules every
 * link of a document follows: http(s) only, file:// only from a local
 * document, no container-registry reference, no user@host. 0 and a new
 * *url, or an error with *reason saying why the link is refused. */
int links_check_href(const char *base, const char *href, char **url,
                     const char **reason);

/* Why a link's "type" member rules it out of being followed (a media type
 * that is not JSON, a container image, not a string); NULL when it does
 * not (absent, null, empty or a JSON type). */
const char *links_json_type_problem(const json_t *type);

/* Static name of a rel kind, e.g. "child", "train". */
const char *links_rel_name(enum link_rel rel);

/* Whether links of the rel (name, n) are ever followed (by rel alone:
 * links_extract() also wants GET and a JSON type). */
bool links_rel_is_followed(const char *name, size_t n);

/* The rel kind of a name given by links_rel_name(); -1 when unknown. */
int links_rel_parse(const char *name, size_t len);

#endif
