/* SPDX-License-Identifier: MIT */
/* Which links of a STAC document the crawler follows: structural rels
 * (child, item, items, data, next) and the training-data rels, each href
 * resolved against the fetched URL and filtered by scheme and media type.
 * Pure: no I/O, no deduplication (the frontier does that), order is kept. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crawler/links.h"
#include "src/text.h"
#include "src/url.h"
#include "src/err.h"
#include "src/xalloc.h"

void links_init(struct links *l)
{
    memset(l, 0, sizeof(*l));
}

void links_cleanup(struct links *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].url);
    free(l->v);
    links_init(l);
}

int links_rel_parse(const char *name, size_t len)
{
    for (int rel = LINK_REL_CHILD; rel <= LINK_REL_TEST; rel++) {
        const char *n = links_rel_name((enum link_rel)rel);
        if (strlen(n) == len && memcmp(n, name, len) == 0)
            return rel;
    }
    return -1;
}

const char *links_rel_name(enum link_rel rel)
{
    switch (rel) {
    case LINK_REL_CHILD:
        return "child";
    case LINK_REL_ITEM:
        return "item";
    case LINK_REL_ITEMS:
        return "items";
    case LINK_REL_NEXT:
        return "next";
    case LINK_REL_DATA:
        return "data";
    case LINK_REL_TRAIN:
        return "train";
    case LINK_REL_VALIDATION:
        return "validation";
    case LINK_REL_TEST:
        return "test";
    }
    return "unknown";
}

/* Whether member m is the string lit, as a C string compares. */
static bool member_is(const struct link_member *m, const char *lit)
{
    return m->kind == LINK_VALUE_STRING && strcmp(m->s, lit) == 0;
}

/* The rel kind of a derived_from link from its ml-aoi:split; no split (or
 * one we do not know) means training data, as the mlm best practices use
 * derived_from without a split for the training dataset. */
static enum link_rel links_split_rel(const struct link_fields *f)
{
    if (f->split.kind != LINK_VALUE_STRING)
        return LINK_REL_TRAIN;
    if (member_is(&f->split, "validate") || member_is(&f->split, "validation"))
        return LINK_REL_VALIDATION;
    if (member_is(&f->split, "test"))
        return LINK_REL_TEST;
    return LINK_REL_TRAIN;
}

/* The rels followed: the registered IANA names whatever their case (some
 * servers capitalise them), the extension rels exactly, as the spec says.
 * derived_from's kind depends on the link (links_split_rel()). */
struct followed_rel {
    const char *name;
    enum link_rel kind;
    bool is_any_case;
};

static const struct followed_rel followed_rels[] = {
    {"child", LINK_REL_CHILD, true},
    {"item", LINK_REL_ITEM, true},
    {"items", LINK_REL_ITEMS, true},
    {"next", LINK_REL_NEXT, true},
    {"data", LINK_REL_DATA, true},
    {"ml-model:train-data", LINK_REL_TRAIN, false},
    {"ml-model:test-data", LINK_REL_TEST, false},
    {"derived_from", LINK_REL_TRAIN, false},
};

/* The followed rel (name, n) is, or NULL. */
static const struct followed_rel *links_rel_find(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof(followed_rels) / sizeof(followed_rels[0]);
         i++) {
        const struct followed_rel *f = &followed_rels[i];
        if (strlen(f->name) == n &&
            (f->is_any_case ? strncasecmp(name, f->name, n)
                            : memcmp(name, f->name, n)) == 0)
            return f;
    }
    return NULL;
}

bool links_rel_is_followed(const char *name, size_t n)
{
    return links_rel_find(name, n) != NULL;
}

/* The kind of link f's rel is followed as; false for rels never followed
 * (and for a rel that is not a string). */
static bool links_rel_kind(const struct link_fields *f, enum link_rel *kind)
{
    if (f->rel.kind != LINK_VALUE_STRING)
        return false;
    const struct followed_rel *r = links_rel_find(f->rel.s, strlen(f->rel.s));
    if (!r)
        return false;
    *kind = strcmp(r->name, "derived_from") == 0 ? links_split_rel(f) : r->kind;
    return true;
}

/* True when the link may be fetched with GET: no method, or "GET". The
 * crawler only issues GETs, so a POST link (paged search) is skipped. */
static bool links_is_get(const struct link_fields *f)
{
    if (f->method.kind == LINK_VALUE_ABSENT ||
        f->method.kind == LINK_VALUE_NULL)
        return true;
    return f->method.kind == LINK_VALUE_STRING &&
           strcasecmp(f->method.s, "GET") == 0;
}

static const char *links_type_problem(const struct link_fields *f)
{
    const struct link_member *t = &f->type;
    if (t->kind == LINK_VALUE_ABSENT || t->kind == LINK_VALUE_NULL)
        return NULL;
    if (t->kind != LINK_VALUE_STRING)
        return "link type is not a string";
    return text_media_type_problem(t->s, t->n);
}

/* Count a rejection and keep the first reason, with the href made printable
 * so that it can go straight into a log line. */
static void links_reject(struct links *out, const char *reason,
                         const char *href)
{
    out->n_rejected++;
    if (out->first_error[0] != '\0')
        return;
    if (href)
        snprintf(out->first_error, sizeof(out->first_error), "%s: %s", reason,
                 href);
    else
        snprintf(out->first_error, sizeof(out->first_error), "%s", reason);
    for (char *c = out->first_error; *c; c++) {
        if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
            *c = '?';
    }
}

/* Resolve href for following, under the rules of every link (no registry
 * reference, http(s) or a local document's file://, no user@host). On
 * success *url is new; otherwise *reason says why the link is rejected. */
static int links_resolve(const char *base, bool base_is_normal,
                         const char *href, bool allow_file, char **url,
                         const char **reason)
{
    int rc = SM_E_URL;

    *url = NULL;
    if (url_is_registry_ref(href)) {
        *reason = "container registry reference";
        return SM_E_URL;
    }
    rc = base_is_normal ? url_resolve_normal(base, href, url)
                        : url_resolve(base, href, url);
    if (rc == SM_E_TOOBIG)
        *reason = "URL too long";
    else if (rc == SM_E_SCHEME)
        *reason = "scheme not followed";
    else if (rc != 0)
        *reason = "malformed URL";
    if (rc != 0)
        return rc;
    /* Only a document read from a local file may lead to local files: a
     * remote catalog must not make us read file:///etc/... */
    if (url_scheme_of(*url) == URL_SCHEME_FILE && !allow_file) {
        free(*url);
        *url = NULL;
        *reason = "file URL in a network document";
        return SM_E_SCHEME;
    }
    if (url_has_userinfo(*url)) {
        /* Credentials a document hands out are not ours to send (nor to
         * keep in records and logs): --header and --netrc are. */
        free(*url);
        *url = NULL;
        *reason = "href carries credentials (user@host)";
        return SM_E_URL;
    }
    return 0;
}

static void links_append(struct links *out, char *url, enum link_rel rel)
{
    if (out->n == out->cap) {
        out->cap = out->cap ? 2 * out->cap : 16;
        out->v = xrealloc(out->v, out->cap * sizeof(*out->v));
    }
    out->v[out->n].url = url;
    out->v[out->n].rel = rel;
    out->n++;
}

const char *links_json_type_problem(const json_t *type)
{
    if (!type || json_is_null(type))
        return NULL;
    if (!json_is_string(type))
        return "link type is not a string";
    return text_media_type_problem(json_string_value(type),
                                   json_string_length(type));
}

int links_check_href(const char *base, const char *href, char **url,
                     const char **reason)
{
    bool allow_file = url_scheme_of(base) == URL_SCHEME_FILE;
    return links_resolve(base, false, href, allow_file, url, reason) != 0
               ? SM_E_URL
               : 0;
}

/* Handle one entry of the links array; *taken counts the links this call
 * has appended. Returns 0, or SM_E_TOOBIG when the entry would pass
 * LINKS_MAX. */
static int links_take_one(const struct link_fields *f, const char *base,
                          bool base_is_normal, bool allow_file,
                          struct links *out, size_t *taken)
{
    const struct link_member *href = &f->href;
    const char *href_s = href->kind == LINK_VALUE_STRING ? href->s : NULL;
    const char *reason = NULL;
    enum link_rel kind;
    char *url = NULL;

    if (!links_rel_kind(f, &kind) || !links_is_get(f)) {
        out->n_ignored++;
        return 0;
    }
    reason = links_type_problem(f);
    if (!reason && !href_s)
        reason = "href is missing or not a string";
    else if (!reason && strlen(href_s) != href->n)
        reason = "href contains a NUL byte";
    if (reason) {
        links_reject(out, reason, href_s);
        return 0;
    }
    if (links_resolve(base, base_is_normal, href_s, allow_file, &url,
                      &reason) != 0) {
        links_reject(out, reason, href_s);
        return 0;
    }
    if (*taken == LINKS_MAX) {
        free(url);
        out->truncated = true;
        return SM_E_TOOBIG;
    }
    links_append(out, url, kind);
    (*taken)++;
    return 0;
}

int links_extract_fields(const struct link_fields *v, size_t n,
                         const char *base, bool allow_file, struct links *out)
{
    size_t taken = 0;
    int rc = 0;

    if (!base || !out)
        return SM_E_INVAL;
    /* Checked once per document: resolving against a normal base can
     * take a shortcut for each plain relative href. */
    bool base_is_normal = n > 8 && url_is_normal(base);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = links_take_one(&v[i], base, base_is_normal, allow_file, out,
                            &taken);
    return rc;
}

/* A member of a link object as a link_member. */
static struct link_member member_of(const json_t *link, const char *key)
{
    const json_t *v = json_object_get(link, key);
    if (!v)
        return (struct link_member){.kind = LINK_VALUE_ABSENT};
    if (json_is_null(v))
        return (struct link_member){.kind = LINK_VALUE_NULL};
    if (!json_is_string(v))
        return (struct link_member){.kind = LINK_VALUE_OTHER};
    return (struct link_member){.kind = LINK_VALUE_STRING,
                                .s = json_string_value(v),
                                .n = json_string_length(v)};
}

static struct link_fields fields_of(const json_t *link)
{
    return (struct link_fields){
        .is_object = json_is_object(link),
        .rel = member_of(link, "rel"),
        .href = member_of(link, "href"),
        .type = member_of(link, "type"),
        .method = member_of(link, "method"),
        .split = member_of(link, "ml-aoi:split"),
    };
}

int links_extract(const json_t *doc, const char *base, bool allow_file,
                  struct links *out)
{
    const json_t *links;
    size_t taken = 0;
    int rc = 0;

    if (!base || !out)
        return SM_E_INVAL;
    /* Anything but an array of objects is tolerated: a missing or mistyped
     * "links" yields nothing, and stray entries count as ignored. */
    links = json_object_get(doc, "links");
    if (!json_is_array(links))
        return 0;
    bool base_is_normal = json_array_size(links) > 8 && url_is_normal(base);
    for (size_t i = 0; i < json_array_size(links) && rc == 0; i++) {
        struct link_fields f = fields_of(json_array_get(links, i));
        rc = links_take_one(&f, base, base_is_normal, allow_file, out, &taken);
    }
    return rc;
}
