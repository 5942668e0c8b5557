/* SPDX-License-Identifier: MIT */
/* URL normalisation and RFC 3986 resolution on top of libcurl's CURLU API.
 * libcurl parses, resolves and removes dot segments; this file adds what it
 * leaves out (scheme policy, lower-case hosts, no fragments, encoding of
 * stray spaces, RFC 3986 normal escapes) and bounds every length by
 * URL_MAX_LEN. No network I/O. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sys/stat.h>
#include <arpa/inet.h>
#include <curl/curl.h>

#include "src/url.h"
#include "src/err.h"
#include "src/xalloc.h"

/* Bytes that may not appear raw in a URL (RFC 3986 section 2), written as
 * %XX instead. '%' itself is absent: existing escapes are kept as given. */
static bool url_must_encode(unsigned char c)
{
    return c <= 0x20 || c >= 0x7f || strchr("\"<>\\^`{|}", c) != NULL;
}

/* Bytes kept raw in a local path turned into a file URL: unreserved, '/',
 * sub-delims, ':' and '@' (RFC 3986 pchar). */
static bool url_path_char(unsigned char c)
{
    return isalnum(c) || strchr("-._~/!$&'()*+,;=:@", c) != NULL;
}

/* Length of the scheme of s (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" /
 * "." ) followed by ':'), or 0 when s has none. */
static size_t url_scheme_len(const char *s)
{
    size_t n = 0;

    if (!isalpha((unsigned char)s[0]))
        return 0;
    while (isalnum((unsigned char)s[n]) || s[n] == '+' || s[n] == '-' ||
           s[n] == '.')
        n++;
    return s[n] == ':' ? n : 0;
}

static enum url_scheme url_scheme_from(const char *s, size_t n)
{
    if (n == 4 && strncasecmp(s, "http", 4) == 0)
        return URL_SCHEME_HTTP;
    if (n == 5 && strncasecmp(s, "https", 5) == 0)
        return URL_SCHEME_HTTPS;
    if (n == 4 && strncasecmp(s, "file", 4) == 0)
        return URL_SCHEME_FILE;
    return URL_SCHEME_OTHER;
}

enum url_scheme url_scheme_of(const char *url)
{
    if (!url)
        return URL_SCHEME_OTHER;
    return url_scheme_from(url, url_scheme_len(url));
}

static int url_from_curlu_code(CURLUcode uc)
{
    switch (uc) {
    case CURLUE_OK:
        return 0;
    case CURLUE_OUT_OF_MEMORY:
        return SM_E_NOMEM;
    case CURLUE_UNSUPPORTED_SCHEME:
        return SM_E_SCHEME;
    default:
        return SM_E_URL;
    }
}

static bool url_keeps_raw(unsigned char c)
{
    return !url_must_encode(c);
}

/* Write s[0..len) into dst, percent-encoding every byte keep() refuses;
 * dst must have room for 3 * len bytes. Returns the bytes written (no NUL
 * is added). */
static size_t url_encode_into(char *dst, const char *s, size_t len,
                              bool (*keep)(unsigned char))
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (keep(c)) {
            dst[n++] = (char)c;
        } else {
            dst[n++] = '%';
            dst[n++] = hex[c >> 4];
            dst[n++] = hex[c & 15];
        }
    }
    return n;
}

/* Copy s for libcurl: surrounding whitespace trimmed (as browsers do), the
 * fragment cut off (a crawler never needs it, and "#x" alone must resolve to
 * the base), and bytes that may not appear raw percent-encoded, so that
 * "DOTA-1.5 Dataset/x.json" resolves. *out is new. Returns 0 or
 * SM_E_TOOBIG when the result would exceed URL_MAX_LEN. */
static int url_prepare(const char *s, char **out)
{
    size_t len = strnlen(s, URL_MAX_LEN + 1);
    size_t n;
    char *p;

    if (len > URL_MAX_LEN)
        return SM_E_TOOBIG;
    p = memchr(s, '#', len);
    if (p)
        len = (size_t)(p - s);
    while (len > 0 && (unsigned char)s[len - 1] <= 0x20)
        len--;
    while (len > 0 && (unsigned char)*s <= 0x20) {
        s++;
        len--;
    }

    p = xmalloc(3 * len + 1);
    n = url_encode_into(p, s, len, url_keeps_raw);
    p[n] = '\0';
    if (n > URL_MAX_LEN) {
        free(p);
        return SM_E_TOOBIG;
    }
    *out = p;
    return 0;
}

/* Lower-case the host of an http(s) URL in place; libcurl keeps its case.
 * Non-ASCII hosts are refused: this libcurl cannot be relied on to turn
 * them into punycode, and we never send raw UTF-8 on the wire. */
static int url_lower_host(CURLU *u)
{
    char *host = NULL;
    bool is_changed = false;
    int rc;

    rc = url_from_curlu_code(curl_url_get(u, CURLUPART_HOST, &host, 0));
    if (rc != 0)
        goto out;
    for (char *c = host; *c; c++) {
        if ((unsigned char)*c >= 0x80) {
            rc = SM_E_URL;
            goto out;
        }
        if (isupper((unsigned char)*c)) {
            *c = (char)tolower((unsigned char)*c);
            is_changed = true;
        }
    }
    /* Setting the host only when needed keeps an IPv6 zone id intact. */
    if (is_changed)
        rc = url_from_curlu_code(curl_url_set(u, CURLUPART_HOST, host, 0));
out:
    curl_free(host);
    return rc;
}

/* A file URL must name an absolute path: libcurl takes "file:x" as a path
 * "x" and prints "file://x", which then reads as a host (found by fuzzing). */
static int url_check_file_path(CURLU *u)
{
    char *path = NULL;
    int rc;

    rc = url_from_curlu_code(curl_url_get(u, CURLUPART_PATH, &path, 0));
    if (rc == 0 && path[0] != '/')
        rc = SM_E_URL;
    curl_free(path);
    return rc;
}

int url_hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

bool url_is_unreserved(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
           c == '~';
}

/* Whether the path segment seg[0..n) would read "." or ".." once its %2E
 * escapes were decoded. */
static bool url_is_dot_segment(const char *seg, size_t n)
{
    size_t dots = 0;

    for (size_t i = 0; i < n; dots++) {
        if (seg[i] == '.')
            i++;
        else if (seg[i] == '%' && i + 3 <= n && seg[i + 1] == '2' &&
                 (seg[i + 2] == 'E' || seg[i + 2] == 'e'))
            i += 3;
        else
            return false;
    }
    return dots == 1 || dots == 2;
}

/* url_normalize_escapes() for one part p[0..n): a path segment (is_path)
 * or the whole query, written at w (w <= p; p is read before it is written
 * over). Returns the end of what it wrote. */
static char *url_normalize_part(char *w, const char *p, size_t n, bool is_path)
{
    static const char hex[] = "0123456789ABCDEF";
    const char *pct = memchr(p, '%', n);
    bool is_dots = false;

    /* A stray '%' ("%zz", "%4") leaves the part as it is: decoding next to
     * it could make a new escape ("%%41B" -> "%AB"). */
    for (const char *q = pct; q;
         q = memchr(q + 1, '%', n - (size_t)(q + 1 - p))) {
        if ((size_t)(q - p) + 3 > n || url_hex_value((unsigned char)q[1]) < 0 ||
            url_hex_value((unsigned char)q[2]) < 0) {
            pct = NULL;
            break;
        }
    }
    if (!pct) {
        memmove(w, p, n);
        return w + n;
    }
    /* "%2E%2E" stays a name, not the ".." libcurl did not remove. */
    is_dots = is_path && url_is_dot_segment(p, n);
    for (size_t i = 0; i < n;) {
        if (p[i] != '%') {
            *w++ = p[i++];
            continue;
        }
        int hi = url_hex_value((unsigned char)p[i + 1]);
        int lo = url_hex_value((unsigned char)p[i + 2]);
        unsigned char c = (unsigned char)(hi << 4 | lo);
        if (url_is_unreserved(c) && !(c == '.' && is_dots)) {
            *w++ = (char)c;
        } else {
            *w++ = '%';
            *w++ = hex[hi];
            *w++ = hex[lo];
        }
        i += 3;
    }
    return w;
}

/* RFC 3986 6.2.2.1 and 6.2.2.2 on the path and query s (the part of a
 * printed URL after its authority, fragment already gone), in place:
 * escapes of unreserved characters decoded ("%7e" -> "~"), the hex digits
 * of the others upper-cased ("%2f" -> "%2F"), so that one document has one
 * URL. Reserved characters stay escaped: "%2F" is not a '/'. Each path
 * segment is done on its own, so that the directory of a normal URL is
 * normal (url_resolve_normal() relies on it). Only shrinks s; touches
 * nothing when s holds no '%'. */
static void url_normalize_escapes(char *s)
{
    char *r = s, *w = s;
    bool in_query = false;

    if (!strchr(s, '%'))
        return;
    while (*r) {
        size_t n = in_query ? strlen(r) : strcspn(r, "/?");
        w = url_normalize_part(w, r, n, !in_query);
        r += n;
        if (*r == '?')
            in_query = true;
        if (*r)
            *w++ = *r++;
    }
    *w = '\0';
}

/* Where the path of a printed absolute URL starts: past "scheme:" and, when
 * there is one, the "//authority". */
static char *url_path_of(char *url)
{
    char *p = url + url_scheme_len(url) + 1;

    if (p[0] == '/' && p[1] == '/')
        p += 2 + strcspn(p + 2, "/?");
    return p;
}

/* Apply the scheme policy and our normalisations to a parsed URL and print
 * it. *out is new (caller frees with free()). */
static int url_finish(CURLU *u, char **out)
{
    char *scheme = NULL, *url = NULL;
    enum url_scheme kind;
    int rc;

    rc = url_from_curlu_code(curl_url_get(u, CURLUPART_SCHEME, &scheme, 0));
    if (rc != 0)
        goto out;
    kind = url_scheme_from(scheme, strlen(scheme));
    if (kind == URL_SCHEME_OTHER) {
        rc = SM_E_SCHEME;
        goto out;
    }
    if (kind == URL_SCHEME_FILE)
        rc = url_check_file_path(u);
    else
        rc = url_lower_host(u);
    if (rc != 0)
        goto out;
    rc = url_from_curlu_code(curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0));
    if (rc != 0)
        goto out;
    rc = url_from_curlu_code(
        curl_url_get(u, CURLUPART_URL, &url, CURLU_NO_DEFAULT_PORT));
    if (rc != 0)
        goto out;
    /* In libcurl's buffer: no allocation, as most URLs hold no escape. */
    url_normalize_escapes(url_path_of(url));
    if (strlen(url) > URL_MAX_LEN) {
        rc = SM_E_TOOBIG;
        goto out;
    }
    /* Copy: curl_free() and free() need not be the same allocator. */
    *out = xstrdup(url);
out:
    curl_free(scheme);
    curl_free(url);
    return rc;
}

/* Parse an absolute, prepared URL into u, refusing schemes up front so that
 * "javascript:..." reads as SM_E_SCHEME rather than a parse error. */
static int url_set_absolute(CURLU *u, const char *url)
{
    size_t n = url_scheme_len(url);

    if (n == 0)
        return SM_E_URL;
    if (url_scheme_from(url, n) == URL_SCHEME_OTHER)
        return SM_E_SCHEME;
    /* NON_SUPPORT_SCHEME: the policy above is ours, whatever protocols this
     * libcurl was built with. */
    return url_from_curlu_code(
        curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME));
}

/* Parse one prepared absolute URL and print it normalised; *out is new. */
static int url_normalize_once(const char *prepared, char **out)
{
    CURLU *u = curl_url();
    int rc;

    if (!u)
        return SM_E_NOMEM;
    rc = url_set_absolute(u, prepared);
    if (rc == 0)
        rc = url_finish(u, out);
    curl_url_cleanup(u);
    return rc;
}

static bool url_is_plain_absolute(const char *url);

int url_normalize(const char *url, char **out)
{
    if (!url || !out)
        return SM_E_INVAL;
    /* Most URLs a crawl meets are normal already: answer those without
     * two libcurl parses (about 40,000 instructions each time). */
    if (url_is_plain_absolute(url)) {
        *out = xstrdup(url);
        return 0;
    }
    return url_normalize_full(url, out);
}

int url_normalize_full(const char *url, char **out)
{
    char *prepared = NULL, *first = NULL, *again = NULL;
    int rc;

    if (!url || !out)
        return SM_E_INVAL;
    rc = url_prepare(url, &prepared);
    if (rc != 0)
        goto out;
    rc = url_normalize_once(prepared, &first);
    if (rc != 0)
        goto out;
    /* libcurl removes dot segments after its own checks, so a result such
     * as "file:///c:" (from "file:///x/../c:") may not parse again. What we
     * hand out must read back as itself (found by fuzzing). */
    rc = url_normalize_once(first, &again);
    if (rc == 0 && strcmp(first, again) != 0)
        rc = SM_E_URL;
    if (rc != 0)
        goto out;
    *out = first;
    first = NULL;
out:
    free(prepared);
    free(first);
    free(again);
    return rc;
}

int url_resolve(const char *base, const char *href, char **out)
{
    char *pbase = NULL, *phref = NULL, *joined = NULL, *path = NULL;
    char *full = NULL;
    CURLU *u = NULL;
    int rc;

    if (!base || !href || !out)
        return SM_E_INVAL;
    rc = url_prepare(href, &phref);
    if (rc != 0)
        goto out;
    /* An absolute href ignores base, and an empty one (or a bare fragment)
     * is the base itself (RFC 3986 5.2.2). libcurl gets the latter wrong:
     * it drops the last segment and the query. */
    if (url_scheme_len(phref) > 0) {
        rc = url_normalize(phref, out);
        goto out;
    }
    if (phref[0] == '\0') {
        rc = url_normalize(base, out);
        goto out;
    }
    rc = url_prepare(base, &pbase);
    if (rc != 0)
        goto out;
    u = curl_url();
    if (!u) {
        rc = SM_E_NOMEM;
        goto out;
    }
    rc = url_set_absolute(u, pbase);
    if (rc != 0)
        goto out;
    /* libcurl joins a relative path whose dot segments a query follows
     * without their last slash ("../?y" against /b/c/d gives /b?y, not
     * /b/?y): it gets the path alone, and the query is put back after. */
    const char *query = strchr(phref, '?');
    if (query && query > phref && phref[0] != '/')
        path = xstrndup(phref, (size_t)(query - phref));
    else
        query = NULL;
    /* With a URL already in u, libcurl resolves phref against it. */
    rc = url_from_curlu_code(curl_url_set(u, CURLUPART_URL, path ? path : phref,
                                          CURLU_NON_SUPPORT_SCHEME));
    if (rc != 0)
        goto out;
    rc = url_from_curlu_code(curl_url_get(u, CURLUPART_URL, &joined, 0));
    if (rc != 0)
        goto out;
    if (query)
        full = xasprintf("%s%s", joined, query);
    /* Parse the joined URL afresh: libcurl checks some things only when it
     * parses a whole URL (file:///c: is refused, but "/../c:" against a file
     * base is not), and the result must read back as itself. */
    rc = url_normalize(full ? full : joined, out);
out:
    free(path);
    free(full);
    curl_free(joined);
    curl_url_cleanup(u);
    free(pbase);
    free(phref);
    return rc;
}

bool url_is_normal(const char *url)
{
    char *n = NULL;
    bool same = url && url_normalize(url, &n) == 0 && strcmp(n, url) == 0;
    free(n);
    return same;
}

/* Whether c needs no encoding, decoding or case change anywhere in a path:
 * RFC 3986 unreserved characters and '/'. */
static bool url_is_plain_char(unsigned char c)
{
    return url_is_unreserved(c) || c == '/';
}

/* Whether href[0..len) is a relative-path reference that resolution only
 * appends to the base's directory: plain characters, not starting with
 * '/', no empty segment and no "." or ".." segment (nothing for
 * remove_dot_segments to do). */
static bool url_is_plain_path(const char *href, size_t len)
{
    const char *seg = href, *end = href + len;
    if (len == 0 || *href == '/')
        return false;
    for (const char *p = href;; p++) {
        if (p == end || *p == '/') {
            size_t n = (size_t)(p - seg);
            if (n == 0 || (n == 1 && seg[0] == '.') ||
                (n == 2 && seg[0] == '.' && seg[1] == '.'))
                return false;
            if (p == end)
                return true;
            seg = p + 1;
        } else if (!url_is_plain_char((unsigned char)*p)) {
            return false;
        }
    }
}

int url_resolve_normal(const char *base, const char *href, char **out)
{
    if (!base || !href || !out)
        return SM_E_INVAL;
    size_t scheme = url_scheme_len(base);
    bool is_http = ((scheme == 4 && strncmp(base, "http", 4) == 0) ||
                    (scheme == 5 && strncmp(base, "https", 5) == 0)) &&
                   strncmp(base + scheme, "://", 3) == 0;
    const char *path = is_http ? strchr(base + scheme + 3, '/') : NULL;
    /* "./" in front, as the STAC best practices write relative links, is
     * what remove_dot_segments would drop. */
    const char *rel = href;
    while (rel[0] == '.' && rel[1] == '/')
        rel += 2;
    /* An empty segment in the base path is left to libcurl, which drops a
     * leading one when it joins (found by fuzzing). */
    if (!path || strchr(base, '?') || strstr(path, "//") ||
        !url_is_plain_path(rel, strlen(rel)))
        return url_resolve(base, href, out);
    /* RFC 3986 5.2.3: all but the last segment of the base path, then
     * the reference. */
    size_t dir = (size_t)(strrchr(path, '/') + 1 - base);
    size_t n = strlen(rel);
    if (dir + n > URL_MAX_LEN)
        return url_resolve(base, href, out);
    char *u = xmalloc(dir + n + 1);
    memcpy(u, base, dir);
    memcpy(u + dir, rel, n + 1);
    *out = u;
    return 0;
}

/* True when s[0..n) is a DNS name with at least one dot whose last label
 * starts with a letter (TLDs do; "v1.0" is a directory), or a dotted quad. */
static bool url_is_hostname(const char *s, size_t n)
{
    size_t labels = 0, digits_only = 0, label_start = 0;

    for (size_t i = 0; i <= n; i++) {
        if (i < n && (isalnum((unsigned char)s[i]) || s[i] == '-'))
            continue;
        if (i < n && s[i] != '.')
            return false;
        if (i == label_start)
            return false; /* empty label: ".", "..", "a..b" */
        labels++;
        if (strspn(s + label_start, "0123456789") == i - label_start)
            digits_only++;
        if (i == n && !isalpha((unsigned char)s[label_start]))
            return labels == 4 && digits_only == 4;
        label_start = i + 1;
    }
    return labels >= 2;
}

static bool url_ends_with_nocase(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

/* Whether host[0..n) names a public registry that serves only images, so
 * that a path under it is an image even without a tag. */
static bool url_is_registry_host(const char *host, size_t n)
{
    static const char *const names[] = {
        "docker.io",
        "index.docker.io",
        "registry-1.docker.io",
        "ghcr.io",
        "quay.io",
        "registry.hub.docker.com",
        "gcr.io",
        "mcr.microsoft.com",
        "public.ecr.aws",
        "nvcr.io",
        "registry.gitlab.com",
    };
    /* Per-region and per-account registries: eu.gcr.io,
     * europe-docker.pkg.dev, x.azurecr.io. */
    static const char *const suffixes[] = {".gcr.io", ".pkg.dev",
                                           ".azurecr.io"};

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strlen(names[i]) == n && strncasecmp(host, names[i], n) == 0)
            return true;
    }
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        if (url_ends_with_nocase(host, n, suffixes[i]))
            return true;
    }
    /* AWS ECR: <account>.dkr.ecr.<region>.amazonaws.com */
    return url_ends_with_nocase(host, n, ".amazonaws.com") &&
           memmem(host, n, ".dkr.ecr.", 9) != NULL;
}

/* Whether s[0..n) is a digest: algorithm ("sha256", "sha512"), ':', then
 * the encoded hash. */
static bool url_is_digest(const char *s, size_t n)
{
    const char *colon = memchr(s, ':', n);

    if (!colon || colon == s || colon + 1 == s + n ||
        !islower((unsigned char)s[0]))
        return false;
    for (const char *p = s; p < s + n; p++) {
        if (p != colon && !isalnum((unsigned char)*p))
            return false;
    }
    return true;
}

/* Whether the last segment seg[0..n) of a reference is a name with a tag
 * ("model:v1", tag [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}), a digest
 * ("image@sha256:0123...") or both: what only an image reference has. */
static bool url_has_tag_or_digest(const char *seg, size_t n)
{
    const char *at = memchr(seg, '@', n), *colon;
    size_t name = at ? (size_t)(at - seg) : n, tag;

    if (at && !url_is_digest(at + 1, n - name - 1))
        return false;
    colon = memchr(seg, ':', name);
    if (!colon)
        return at != NULL && name > 0;
    tag = name - (size_t)(colon - seg) - 1;
    if (colon == seg || tag == 0 || tag > 128 || colon[1] == '.' ||
        colon[1] == '-')
        return false;
    for (size_t i = 1; i <= tag; i++) {
        if (!isalnum((unsigned char)colon[i]) && !strchr("_.-", colon[i]))
            return false;
    }
    return true;
}

bool url_has_userinfo(const char *url)
{
    const char *a = strstr(url, "://");
    if (!a)
        return false;
    a += 3;
    size_t n = strcspn(a, "/?#");
    return memchr(a, '@', n) != NULL;
}

/* The authority of a file URL, "file://AUTHORITY/...": its start and its
 * length in *n, or NULL for a URL of another scheme. */
static const char *file_authority(const char *url, size_t *n)
{
    if (!url || strncasecmp(url, "file://", 7) != 0)
        return NULL;
    *n = strcspn(url + 7, "/?#");
    return url + 7;
}

bool url_is_remote_file(const char *url)
{
    size_t n;
    const char *host = file_authority(url, &n);
    if (!host)
        return false;
    /* Its name, without the port that no file URL has
     * (url_file_has_port()). */
    const char *colon = memchr(host, ':', n);
    if (colon)
        n = (size_t)(colon - host);
    /* The two names libcurl reads as this host's. */
    return n > 0 && !(n == 9 && strncasecmp(host, "localhost", 9) == 0) &&
           !(n == 9 && strncmp(host, "127.0.0.1", 9) == 0);
}

bool url_file_has_port(const char *url)
{
    size_t n;
    const char *host = file_authority(url, &n);
    return host && memchr(host, ':', n) != NULL;
}

bool url_has_port_zero(const char *url)
{
    char *key = NULL;
    if (url_scheme_of(url) == URL_SCHEME_FILE || url_host_key(url, &key) != 0)
        return false;
    size_t n = strlen(key);
    bool is_zero = n > 2 && strcmp(key + n - 2, ":0") == 0;
    free(key);
    return is_zero;
}

bool url_is_registry_ref(const char *href)
{
    size_t n, host_len, port_len = 0;
    const char *slash, *colon, *last;

    if (!href)
        return false;
    n = strnlen(href, URL_MAX_LEN + 1);
    /* The character set of a docker reference: [host[:port]/]path[:tag]
     * [@digest]. Anything else ('?', '%', ' ', "://") is not one. */
    if (n == 0 || n > URL_MAX_LEN ||
        strspn(href, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789._-/:@") != n ||
        strstr(href, "://"))
        return false;
    slash = strchr(href, '/');
    if (!slash || slash[1] == '\0' || slash[1] == '/')
        return false;
    host_len = (size_t)(slash - href);
    colon = memchr(href, ':', host_len);
    if (colon) {
        port_len = host_len - (size_t)(colon - href) - 1;
        host_len = (size_t)(colon - href);
        if (port_len == 0 || port_len > 5 ||
            strspn(colon + 1, "0123456789") < port_len)
            return false;
    }
    bool is_localhost = host_len == 9 && strncasecmp(href, "localhost", 9) == 0;
    if (!is_localhost && !url_is_hostname(href, host_len))
        return false;
    if (url_ends_with_nocase(href, n, ".json") ||
        url_ends_with_nocase(href, n, ".geojson"))
        return false;
    /* A first segment with a dot is as often a directory ("v1.2/",
     * "data.d/") as a registry, and folder/x is ./folder/x (EXTENSIONS.md
     * 7.3). What settles it: a port, localhost, a registry known to hold
     * only images, or a tag or digest on the image name. */
    if (port_len > 0 || is_localhost || url_is_registry_host(href, host_len))
        return true;
    last = strrchr(href, '/') + 1;
    return url_has_tag_or_digest(last, n - (size_t)(last - href));
}

/* Whether host[0..n) is a name libcurl keeps as it is: lower-case labels
 * of letters, digits and '-', the last one starting with a letter, or a
 * dotted quad in canonical form (libcurl rewrites "127.1" or "0x7f.1"). */
static bool url_is_plain_host(const char *host, size_t n)
{
    size_t labels = 0, start = 0;
    bool quad = true;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && host[i] != '.')
            continue;
        size_t len = i - start;
        const char *l = host + start;
        if (len == 0)
            return false;
        labels++;
        unsigned value = 0;
        for (size_t k = 0; quad && k < len; k++) {
            if (l[k] < '0' || l[k] > '9' || k == 3)
                quad = false;
            else
                value = value * 10 + (unsigned)(l[k] - '0');
        }
        if ((len > 1 && l[0] == '0') || value > 255)
            quad = false;
        if (i == n)
            return (l[0] >= 'a' && l[0] <= 'z') || (quad && labels == 4);
        start = i + 1;
    }
    return false;
}

/* The "http[s]://host[:port]" that starts a URL, when its scheme is in
 * lower case, its host plain (url_is_plain_host()) and its port, if any,
 * plain digits in range. */
struct plain_authority {
    const char *host;
    size_t host_len;
    unsigned long port; /* the scheme's default when none is given */
    bool is_https;
    bool has_port;   /* the URL gives one */
    const char *end; /* just past it */
};

static bool url_plain_authority(const char *url, struct plain_authority *a)
{
    size_t scheme = url_scheme_len(url);
    a->is_https = scheme == 5 && strncmp(url, "https://", 8) == 0;
    if (!a->is_https && !(scheme == 4 && strncmp(url, "http://", 7) == 0))
        return false;
    const char *p = a->host = url + scheme + 3;
    while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
           *p == '-')
        p++;
    a->host_len = (size_t)(p - a->host);
    if (!url_is_plain_host(a->host, a->host_len))
        return false;
    a->port = a->is_https ? 443 : 80;
    a->has_port = *p == ':';
    if (a->has_port) {
        const char *digits = ++p;
        a->port = 0;
        while (*p >= '0' && *p <= '9' && p - digits < 6)
            a->port = a->port * 10 + (unsigned long)(*p++ - '0');
        if (p == digits || digits[0] == '0' || p - digits > 5 ||
            a->port > 65535)
            return false;
    }
    a->end = p;
    return true;
}

/* Whether url is "http[s]://host[:port]/path" as url_normalize_full()
 * would give it back: a plain authority (url_plain_authority()) with no
 * default port, then '/' and a plain path (url_is_plain_path(), a
 * trailing '/' allowed), and no query or fragment. */
static bool url_is_plain_absolute(const char *url)
{
    struct plain_authority a;
    if (!url_plain_authority(url, &a) || *a.end != '/' ||
        (a.has_port && a.port == (a.is_https ? 443UL : 80UL)))
        return false;
    const char *path = a.end + 1;
    size_t n = strlen(path);
    if ((size_t)(path - url) + n > URL_MAX_LEN)
        return false;
    if (n > 0 && path[n - 1] == '/')
        n--;
    return n == 0 || url_is_plain_path(path, n);
}

/* url_host_key() for the usual form, "http[s]://host[:port]/..." with a
 * plain authority (url_plain_authority()): cut out of the string. False
 * (nothing done) for anything else. */
static bool url_host_key_plain(const char *url, char **out)
{
    struct plain_authority a;
    if (!url_plain_authority(url, &a) || *a.end != '/')
        return false;
    /* Built by hand: a printf costs more than the rest of this put
     * together, and the frontier asks for every URL it queues. */
    char digits[8];
    size_t n_digits = 0;
    unsigned long port = a.port;
    do {
        digits[n_digits++] = (char)('0' + port % 10);
        port /= 10;
    } while (port);
    size_t prefix = (size_t)(a.host - url);
    char *key = xmalloc(prefix + a.host_len + 1 + n_digits + 1);
    memcpy(key, url, prefix + a.host_len);
    char *q = key + prefix + a.host_len;
    *q++ = ':';
    while (n_digits)
        *q++ = digits[--n_digits];
    *q = '\0';
    *out = key;
    return true;
}

int url_host_key(const char *url, char **out)
{
    enum url_scheme kind = url_scheme_of(url);
    char *prepared = NULL, *host = NULL, *port = NULL;
    CURLU *u = NULL;
    int rc;

    if (!url || !out)
        return SM_E_INVAL;
    if (kind == URL_SCHEME_FILE) {
        *out = xstrdup("file://");
        return 0;
    }
    if (kind == URL_SCHEME_OTHER)
        return SM_E_URL;
    /* Every URL the frontier queues; the parse below is for the rest. */
    if (url_host_key_plain(url, out))
        return 0;
    if (url_prepare(url, &prepared) != 0)
        return SM_E_URL;
    u = curl_url();
    if (!u) {
        rc = SM_E_NOMEM;
        goto out;
    }
    rc = url_set_absolute(u, prepared);
    if (rc == 0)
        rc = url_lower_host(u);
    if (rc == 0)
        rc = url_from_curlu_code(curl_url_get(u, CURLUPART_HOST, &host, 0));
    if (rc == 0)
        rc = url_from_curlu_code(
            curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT));
    if (rc != 0) {
        rc = rc == SM_E_NOMEM ? rc : SM_E_URL;
        goto out;
    }
    *out = xasprintf("%s://%s:%s", kind == URL_SCHEME_HTTP ? "http" : "https",
                     host, port);
out:
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    free(prepared);
    return rc;
}

/* Turn an absolute local path into a file URL, percent-encoding every byte
 * that is not a path character (space, '%', '?', '#', non-ASCII). */
static int url_from_path(const char *path, char **out)
{
    size_t len = strlen(path), n;
    char *url;
    int rc;

    if (len > URL_MAX_LEN)
        return SM_E_TOOBIG;
    url = xmalloc(sizeof("file://") + 3 * len);
    memcpy(url, "file://", 7);
    n = 7 + url_encode_into(url + 7, path, len, url_path_char);
    url[n] = '\0';
    rc = url_normalize(url, out);
    free(url);
    return rc;
}

int url_from_arg(const char *arg, char **out)
{
    size_t n;
    char *path;
    int rc;

    if (!arg || !out)
        return SM_E_INVAL;
    if (strnlen(arg, URL_MAX_LEN + 1) > URL_MAX_LEN)
        return SM_E_TOOBIG;
    n = url_scheme_len(arg);
    if (n > 0 && url_scheme_from(arg, n) != URL_SCHEME_OTHER)
        return url_normalize(arg, out);
    if (n > 0 && strncmp(arg + n, "://", 3) == 0)
        return SM_E_SCHEME;
    /* Anything else is a local path, even "notes:v2/catalog.json". */
    path = realpath(arg, NULL);
    if (!path) {
        if (errno == ENAMETOOLONG)
            return SM_E_TOOBIG;
        return n > 0 ? SM_E_SCHEME : SM_E_NOTFOUND;
    }
    rc = url_from_path(path, out);
    free(path);
    return rc;
}

int url_seed_directory(const char *arg, char **out)
{
    static const char *const names[] = {"catalog.json", "collection.json"};
    struct stat st;
    *out = NULL;
    /* The local path a seed names: arg itself, or a file:// URL's path. */
    char *path = strstr(arg, "://") ? url_file_path(arg) : xstrdup(arg);
    bool is_dir = path && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
    for (size_t i = 0; is_dir && i < sizeof(names) / sizeof(names[0]); i++) {
        char *p = xasprintf("%s/%s", path, names[i]);
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
            *out = p;
            break;
        }
        free(p);
    }
    free(path);
    return is_dir && !*out ? SM_E_NOTFOUND : 0;
}

/* Drop every "name=..." (or bare "name") pair from the query q. New. */
static char *query_without(const char *q, const char *name)
{
    size_t n = strlen(name);
    char *out = xmalloc(strlen(q) + 1), *p = out;
    while (*q) {
        const char *end = strchr(q, '&');
        size_t len = end ? (size_t)(end - q) : strlen(q);
        bool is_name =
            len >= n && strncmp(q, name, n) == 0 && (len == n || q[n] == '=');
        if (len && !is_name) {
            if (p != out)
                *p++ = '&';
            memcpy(p, q, len);
            p += len;
        }
        q += len + (end ? 1 : 0);
    }
    *p = '\0';
    return out;
}

int url_set_param(const char *url, const char *name, const char *value,
                  char **out)
{
    int rc = SM_E_URL;
    char *query = NULL, *kept = NULL, *pair = NULL, *enc = NULL;
    CURLU *u = curl_url();
    if (!u)
        return SM_E_NOMEM;
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
        goto out;
    curl_url_get(u, CURLUPART_QUERY, &query, 0);
    kept = query_without(query ? query : "", name);
    enc = curl_easy_escape(NULL, value, 0);
    if (!enc)
        goto out;
    pair = xasprintf("%s%s%s=%s", kept, *kept ? "&" : "", name, enc);
    if (curl_url_set(u, CURLUPART_QUERY, pair, 0) != CURLUE_OK)
        goto out;
    char *full = NULL;
    if (curl_url_get(u, CURLUPART_URL, &full, 0) != CURLUE_OK)
        goto out;
    rc = url_normalize(full, out);
    curl_free(full);
out:
    curl_free(query);
    curl_free(enc);
    free(kept);
    free(pair);
    curl_url_cleanup(u);
    return rc;
}

static bool ipv4_is_private(const unsigned char a[4])
{
    return a[0] == 0 || a[0] == 10 || a[0] == 127 ||
           (a[0] == 169 && a[1] == 254) ||
           (a[0] == 172 && (a[1] & 0xf0) == 16) ||
           (a[0] == 192 && a[1] == 168) || (a[0] == 100 && (a[1] & 0xc0) == 64);
}

bool url_ip_is_private(const char *ip)
{
    unsigned char a[16];
    if (!ip)
        return true;
    if (inet_pton(AF_INET, ip, a) == 1)
        return ipv4_is_private(a);
    if (inet_pton(AF_INET6, ip, a) != 1)
        return true;
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0,    0,
                                             0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(a, mapped, 12) == 0)
        return ipv4_is_private(a + 12);
    bool is_zero_prefix = true;
    for (int i = 0; i < 15; i++)
        is_zero_prefix = is_zero_prefix && a[i] == 0;
    return (is_zero_prefix && a[15] <= 1) /* :: and ::1 */ ||
           (a[0] & 0xfe) == 0xfc ||                 /* fc00::/7 */
           (a[0] == 0xfe && (a[1] & 0xc0) == 0x80); /* fe80::/10 */
}

char *url_file_path(const char *url)
{
    if (!url || strncasecmp(url, "file://", 7) != 0)
        return NULL;
    const char *p = url + 7;
    if (strncasecmp(p, "localhost/", 10) == 0)
        p += 9;
    if (*p != '/')
        return NULL;
    size_t end = strcspn(p, "?#");
    char *out = xmalloc(end + 1), *o = out;
    for (size_t i = 0; i < end; i++) {
        if (p[i] == '%' && i + 2 < end && isxdigit((unsigned char)p[i + 1]) &&
            isxdigit((unsigned char)p[i + 2])) {
            char hex[3] = {p[i + 1], p[i + 2], '\0'};
            char c = (char)strtol(hex, NULL, 16);
            if (c == '\0') {
                free(out);
                return NULL;
            }
            *o++ = c;
            i += 2;
        } else {
            *o++ = p[i];
        }
    }
    *o = '\0';
    return out;
}

char *url_escape_segment(const char *s)
{
    char *esc = curl_easy_escape(NULL, s, 0);
    if (!esc)
        return NULL;
    /* curl leaves dots alone: "." and ".." would be path steps. */
    char *out = strcmp(esc, ".") == 0    ? xstrdup("%2E")
                : strcmp(esc, "..") == 0 ? xstrdup("%2E%2E")
                                         : xstrdup(esc);
    curl_free(esc);
    return out;
}
