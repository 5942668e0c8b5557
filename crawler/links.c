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

/* Case-insensitive substring test (strcasestr is a GNU extension). */
static bool links_contains_nocase(const char *s, const char *needle)
{
    size_t n = strlen(needle);

    for (; *s; s++) {
        if (strncasecmp(s, needle, n) == 0)
            return true;
    }
    return false;
}

/* The rel kind of a derived_from link from its ml-aoi:split; no split (or
 * one we do not know) means training data, as the mlm best practices use
 * derived_from without a split for the training dataset. */
static enum link_rel links_split_rel(const json_t *link)
{
    const char *split =
        json_string_value(json_object_get(link, "ml-aoi:split"));

    if (!split)
        return LINK_REL_TRAIN;
    if (strcmp(split, "validate") == 0 || strcmp(split, "validation") == 0)
        return LINK_REL_VALIDATION;
    if (strcmp(split, "test") == 0)
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

/* Map rel to the kind we follow; false for rels never followed. */
static bool links_rel_kind(const json_t *link, const char *rel,
                           enum link_rel *kind)
{
    const struct followed_rel *f = links_rel_find(rel, strlen(rel));
    if (!f)
        return false;
    *kind =
        strcmp(f->name, "derived_from") == 0 ? links_split_rel(link) : f->kind;
    return true;
}

/* True when the link may be fetched with GET: no method, or "GET". The
 * crawler only issues GETs, so a POST link (paged search) is skipped. */
static bool links_is_get(const json_t *link)
{
    const json_t *method = json_object_get(link, "method");

    if (!method || json_is_null(method))
        return true;
    return json_is_string(method) &&
           strcasecmp(json_string_value(method), "GET") == 0;
}

/* Why the link's media type rules it out, or NULL when it may be JSON:
 * missing, empty, or containing "json" (parameters allowed), but not an
 * OCI or docker image manifest, which is JSON about a container. */
static const char *links_type_problem(const json_t *link)
{
    const json_t *type = json_object_get(link, "type");
    const char *s;

    if (!type || json_is_null(type))
        return NULL;
    if (!json_is_string(type))
        return "link type is not a string";
    s = json_string_value(type);
    if (s[strspn(s, " \t")] == '\0')
        return NULL;
    if (links_contains_nocase(s, "vnd.oci.") ||
        links_contains_nocase(s, "docker"))
        return "link type is a container image";
    if (!links_contains_nocase(s, "json"))
        return "link type is not JSON";
    return NULL;
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

/* Resolve href for following. On success *url is new; otherwise *reason
 * says why the link is rejected. */
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

/* Handle one entry of the links array; *taken counts the links this call
 * has appended. Returns 0, or SM_E_TOOBIG when the entry would pass
 * LINKS_MAX. */
static int links_take_one(const json_t *link, const char *base,
                          bool base_is_normal, bool allow_file,
                          struct links *out, size_t *taken)
{
    const json_t *href = json_object_get(link, "href");
    const char *rel = json_string_value(json_object_get(link, "rel"));
    const char *reason = NULL;
    enum link_rel kind;
    char *url = NULL;

    if (!rel || !links_rel_kind(link, rel, &kind) || !links_is_get(link)) {
        out->n_ignored++;
        return 0;
    }
    reason = links_type_problem(link);
    if (!reason && !json_is_string(href))
        reason = "href is missing or not a string";
    else if (!reason &&
             strlen(json_string_value(href)) != json_string_length(href))
        reason = "href contains a NUL byte";
    if (reason) {
        links_reject(out, reason, json_string_value(href));
        return 0;
    }
    if (links_resolve(base, base_is_normal, json_string_value(href), allow_file,
                      &url, &reason) != 0) {
        links_reject(out, reason, json_string_value(href));
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
    /* Checked once per document: resolving against a normal base can
     * take a shortcut for each plain relative href. */
    bool base_is_normal = json_array_size(links) > 8 && url_is_normal(base);
    for (size_t i = 0; i < json_array_size(links) && rc == 0; i++)
        rc = links_take_one(json_array_get(links, i), base, base_is_normal,
                            allow_file, out, &taken);
    return rc;
}
