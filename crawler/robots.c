/* SPDX-License-Identifier: MIT */
/* robots.txt parsing and matching after RFC 9309, with Google's documented
 * readings where the RFC is silent (product-token extraction, common typos
 * of field names). Pure: the fetch and the 4xx/5xx policy live elsewhere;
 * every loop is bounded by the body cap, the line cap or the rule cap. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crawler/robots.h"
#include "src/url.h"
#include "src/xalloc.h"

struct robots_rule {
    char *pattern; /* normalised, runs of '*' collapsed, NUL-terminated */
    size_t len;    /* its length: the match's weight */
    bool is_allow;
};

struct robots {
    struct robots_rule *rules; /* sorted: longest first, Allow first */
    size_t n;
    size_t cap;
    size_t max_len; /* longest pattern, sizes the search scratch */
    long delay_ms;
    bool is_disallow_all;
};

enum robots_key {
    ROBOTS_KEY_OTHER = 0, /* sitemap and anything unknown: skipped */
    ROBOTS_KEY_AGENT,
    ROBOTS_KEY_ALLOW,
    ROBOTS_KEY_DISALLOW,
    ROBOTS_KEY_DELAY,
};

/* Parser state for one body. Rules are collected for two audiences at once,
 * because a group naming our agent may come after the "*" groups. */
struct robots_parser {
    const char *agent; /* our product token */
    size_t agent_len;
    struct robots *specific; /* rules of the groups naming agent */
    struct robots *global;   /* rules of the "*" groups */
    bool has_specific;       /* some user-agent line named agent */
    bool has_global;         /* some user-agent line was "*" */
    bool has_group;          /* some user-agent line was seen at all */
    bool in_agents;          /* no rule since the last user-agent line: one more
                              * user-agent line joins the current group */
    bool to_specific;        /* the current group applies to agent */
    bool to_global;          /* the current group is a "*" group */
};

struct robots *robots_new_allow_all(void)
{
    return xcalloc(1, sizeof(struct robots));
}

struct robots *robots_new_disallow_all(void)
{
    struct robots *r = robots_new_allow_all();

    r->is_disallow_all = true;
    return r;
}

void robots_free(struct robots *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        free(r->rules[i].pattern);
    free(r->rules);
    free(r);
}

static bool robots_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

static void robots_trim(const char **s, size_t *n)
{
    while (*n > 0 && robots_is_space(**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && robots_is_space((*s)[*n - 1]))
        (*n)--;
}

/* Length of the product token at the start of s: letters, '-' and '_'
 * (RFC 9309 2.2.1), so "stacml/0.1 (+https://...)" gives "stacml". */
static size_t robots_token_len(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n &&
           ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
            s[i] == '-' || s[i] == '_'))
        i++;
    return i;
}

static enum robots_key robots_key_of(const char *s, size_t n)
{
    /* The typos are the ones Google's parser accepts: a site that wrote
     * them meant them, and honouring them only makes us more polite. */
    static const struct {
        const char *name;
        enum robots_key key;
    } keys[] = {
        {"user-agent", ROBOTS_KEY_AGENT},  {"useragent", ROBOTS_KEY_AGENT},
        {"user agent", ROBOTS_KEY_AGENT},  {"allow", ROBOTS_KEY_ALLOW},
        {"disallow", ROBOTS_KEY_DISALLOW}, {"dissallow", ROBOTS_KEY_DISALLOW},
        {"dissalow", ROBOTS_KEY_DISALLOW}, {"disalow", ROBOTS_KEY_DISALLOW},
        {"diasllow", ROBOTS_KEY_DISALLOW}, {"disallaw", ROBOTS_KEY_DISALLOW},
        {"crawl-delay", ROBOTS_KEY_DELAY},
    };

    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (strlen(keys[i].name) == n && strncasecmp(s, keys[i].name, n) == 0)
            return keys[i].key;
    }
    return ROBOTS_KEY_OTHER;
}

/* RFC 3986 reserved: gen-delims and sub-delims, which include the '*' and
 * '$' of patterns. */
static bool robots_is_reserved(int c)
{
    return c != '\0' && strchr(":/?#[]@!$&'()*+,;=", c) != NULL;
}

/* Write the comparable form of s (n bytes) to out, which has room for
 * 3 * n + 1 bytes, and return its length (RFC 9309 2.2.2): %XX of an
 * unreserved character is decoded, other escapes get upper-case hex, and
 * bytes that may not appear raw in a URI (non-ASCII, controls, space, and
 * the likes of '{' or '|') are percent-encoded, so that "/%7Efoo", "/~foo"
 * and "/%7efoo" compare equal, as do "/a b" and "/a%20b". In a pattern,
 * runs of '*' become one '*', which means the same and keeps matching
 * linear. */
static size_t robots_normalize(const char *s, size_t n, char *out,
                               bool is_pattern)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int hi = -1, lo = -1;

        if (c == '%' && i + 2 < n) {
            hi = url_hex_value(s[i + 1]);
            lo = url_hex_value(s[i + 2]);
        }
        if (hi >= 0 && lo >= 0) {
            int v = hi * 16 + lo;

            if (url_is_unreserved(v)) {
                out[o++] = (char)v;
            } else {
                out[o++] = '%';
                out[o++] = hex[v >> 4];
                out[o++] = hex[v & 15];
            }
            i += 2;
        } else if (c != '%' && !url_is_unreserved(c) &&
                   !robots_is_reserved(c)) {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        } else if (is_pattern && c == '*' && o > 0 && out[o - 1] == '*') {
            continue;
        } else {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
    return o;
}

/* Knuth-Morris-Pratt search for needle (k bytes) in hay (n bytes): the
 * first occurrence or NULL. fail is scratch for k entries. Linear, so that
 * a hostile pattern costs O(path + pattern) per rule, never more. */
static const char *robots_find(const char *hay, size_t n, const char *needle,
                               size_t k, size_t *fail)
{
    size_t j = 0;

    if (k == 0)
        return hay;
    if (k > n)
        return NULL;
    if (k == 1)
        return memchr(hay, needle[0], n);
    fail[0] = 0;
    for (size_t i = 1; i < k; i++) {
        while (j > 0 && needle[i] != needle[j])
            j = fail[j - 1];
        if (needle[i] == needle[j])
            j++;
        fail[i] = j;
    }
    j = 0;
    for (size_t i = 0; i < n; i++) {
        while (j > 0 && hay[i] != needle[j])
            j = fail[j - 1];
        if (hay[i] == needle[j])
            j++;
        if (j == k)
            return hay + i + 1 - k;
    }
    return NULL;
}

/* Whether the normalised pattern (plen bytes) matches the start of path, or
 * all of it when the pattern ends in '$'. The pattern is split at its '*'s:
 * the first piece must be a prefix, each middle piece is taken at its
 * leftmost occurrence (which leaves the most room for the rest, so greedy is
 * exact for '*'-only globs), and the last piece may be anywhere after that,
 * or must end the path when anchored. */
static bool robots_match(const char *pat, size_t plen, const char *path,
                         size_t n, size_t *fail)
{
    bool is_anchored = plen > 0 && pat[plen - 1] == '$';
    const char *star, *hit;
    size_t seg, pos;

    if (is_anchored)
        plen--;
    star = memchr(pat, '*', plen);
    seg = star ? (size_t)(star - pat) : plen;
    if (seg > n || memcmp(pat, path, seg) != 0)
        return false;
    if (!star)
        return !is_anchored || seg == n;
    pos = seg;
    plen -= seg + 1;
    pat = star + 1;
    for (;;) {
        star = memchr(pat, '*', plen);
        if (!star)
            break;
        seg = (size_t)(star - pat);
        hit = robots_find(path + pos, n - pos, pat, seg, fail);
        if (!hit)
            return false;
        pos = (size_t)(hit - path) + seg;
        plen -= seg + 1;
        pat = star + 1;
    }
    if (is_anchored)
        return plen <= n - pos && memcmp(path + n - plen, pat, plen) == 0;
    return robots_find(path + pos, n - pos, pat, plen, fail) != NULL;
}

static void robots_add_rule(struct robots *r, const char *value, size_t n,
                            bool is_allow)
{
    struct robots_rule *rule;
    char *pattern;

    /* An empty pattern matches nothing (RFC 9309 2.2.2): "Disallow:" is the
     * traditional way of saying "allow all". */
    if (n == 0 || r->n == ROBOTS_MAX_RULES)
        return;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 16;
        r->rules = xrealloc(r->rules, r->cap * sizeof(*r->rules));
    }
    pattern = xmalloc(3 * n + 1);
    rule = &r->rules[r->n++];
    rule->len = robots_normalize(value, n, pattern, true);
    rule->pattern = pattern;
    rule->is_allow = is_allow;
    if (rule->len > r->max_len)
        r->max_len = rule->len;
}

/* Crawl-delay in milliseconds: digits, optionally '.' and more digits, at
 * least one digit in all; digits past the millisecond are dropped. Returns
 * -1 when s is anything else. */
static long robots_parse_delay(const char *s, size_t n)
{
    bool has_digit = false;
    long ms = 0, scale = 100;
    size_t i = 0;

    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        has_digit = true;
        /* Stop growing once past the cap: no overflow on long digit runs. */
        if (ms <= ROBOTS_MAX_DELAY_MS)
            ms = ms * 10 + (s[i] - '0') * 1000L;
    }
    if (i < n && s[i] == '.') {
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            has_digit = true;
            ms += (s[i] - '0') * scale;
            scale /= 10;
        }
    }
    if (i != n || !has_digit)
        return -1;
    return ms < ROBOTS_MAX_DELAY_MS ? ms : ROBOTS_MAX_DELAY_MS;
}

/* Apply one group member (allow, disallow, crawl-delay) to r. */
static void robots_add_member(struct robots *r, enum robots_key key,
                              const char *value, size_t n)
{
    long ms;

    if (key != ROBOTS_KEY_DELAY) {
        robots_add_rule(r, value, n, key == ROBOTS_KEY_ALLOW);
        return;
    }
    /* Merged groups may each carry a delay: the longest is the polite one. */
    ms = robots_parse_delay(value, n);
    if (ms > r->delay_ms)
        r->delay_ms = ms;
}

static void robots_user_agent(struct robots_parser *p, const char *value,
                              size_t n)
{
    size_t tok;

    /* Consecutive user-agent lines share one group; the first one after a
     * rule starts a new group. */
    if (!p->in_agents) {
        p->to_specific = false;
        p->to_global = false;
        p->in_agents = true;
    }
    p->has_group = true;
    if (n > 0 && value[0] == '*' && (n == 1 || robots_is_space(value[1]))) {
        p->to_global = true;
        p->has_global = true;
        return;
    }
    tok = robots_token_len(value, n);
    if (tok > 0 && tok == p->agent_len &&
        strncasecmp(value, p->agent, tok) == 0) {
        p->to_specific = true;
        p->has_specific = true;
    }
}

/* Handle one line (n bytes, no terminator). */
static void robots_line(struct robots_parser *p, const char *line, size_t n)
{
    const char *hash, *colon, *key, *value;
    size_t key_len, value_len;
    enum robots_key kind;

    /* A NUL means a binary body or an injection attempt: skip the line
     * rather than let C string functions see a shorter pattern. */
    if (memchr(line, '\0', n))
        return;
    hash = memchr(line, '#', n);
    if (hash)
        n = (size_t)(hash - line);
    colon = memchr(line, ':', n);
    if (!colon)
        return;
    key = line;
    key_len = (size_t)(colon - line);
    value = colon + 1;
    value_len = n - key_len - 1;
    robots_trim(&key, &key_len);
    robots_trim(&value, &value_len);
    kind = robots_key_of(key, key_len);
    if (kind == ROBOTS_KEY_OTHER)
        return;
    if (kind == ROBOTS_KEY_AGENT) {
        robots_user_agent(p, value, value_len);
        return;
    }
    /* Rules before the first user-agent line belong to no group. */
    if (!p->has_group)
        return;
    p->in_agents = false;
    if (p->to_specific)
        robots_add_member(p->specific, kind, value, value_len);
    if (p->to_global)
        robots_add_member(p->global, kind, value, value_len);
}

/* The length of body to parse: all of it, or up to ROBOTS_MAX_BODY without
 * the line the cap cuts, since half a rule may mean something else. */
static size_t robots_limit(const char *body, size_t len)
{
    size_t n = ROBOTS_MAX_BODY;

    if (len <= ROBOTS_MAX_BODY)
        return len;
    if (body[n] == '\n' || body[n] == '\r')
        return n;
    while (n > 0 && body[n - 1] != '\n' && body[n - 1] != '\r')
        n--;
    return n;
}

/* Longest pattern first and, among equals, Allow first, so that the first
 * matching rule is the one RFC 9309 2.2.2 picks. */
static int robots_rule_cmp(const void *a, const void *b)
{
    const struct robots_rule *x = a, *y = b;

    if (x->len != y->len)
        return x->len > y->len ? -1 : 1;
    return (int)y->is_allow - (int)x->is_allow;
}

struct robots *robots_parse(const char *body, size_t len, const char *agent)
{
    struct robots_parser p;
    struct robots *r;
    size_t i = 0;

    memset(&p, 0, sizeof(p));
    p.agent = agent ? agent : "";
    p.agent_len = robots_token_len(p.agent, strlen(p.agent));
    p.specific = robots_new_allow_all();
    p.global = robots_new_allow_all();
    if (!body)
        len = 0;
    len = robots_limit(body, len);
    if (len >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    while (i < len) {
        size_t end = i;

        /* CR, LF and CRLF all end a line; the empty line between CR and LF
         * is harmless, as blank lines carry no meaning in RFC 9309. */
        while (end < len && body[end] != '\n' && body[end] != '\r')
            end++;
        if (end - i <= ROBOTS_MAX_LINE)
            robots_line(&p, body + i, end - i);
        i = end + 1;
    }
    /* The groups naming us replace the "*" groups entirely, even when they
     * hold no rule at all (RFC 9309 2.2.1). */
    if (p.has_specific) {
        r = p.specific;
        robots_free(p.global);
    } else {
        r = p.global;
        robots_free(p.specific);
    }
    if (r->n > 1)
        qsort(r->rules, r->n, sizeof(*r->rules), robots_rule_cmp);
    return r;
}

bool robots_allowed(const struct robots *r, const char *path)
{
    bool is_allowed = true;
    size_t *fail = NULL;
    char *norm = NULL;
    size_t n;

    if (!path || !*path)
        path = "/";
    if (strcmp(path, "/robots.txt") == 0)
        return true;
    if (!r)
        return true;
    if (r->is_disallow_all)
        return false;
    if (r->n == 0)
        return true;
    n = strlen(path);
    norm = xmalloc(3 * n + 1);
    n = robots_normalize(path, n, norm, false);
    fail = xmalloc(r->max_len * sizeof(*fail));
    for (size_t i = 0; i < r->n; i++) {
        const struct robots_rule *rule = &r->rules[i];

        if (robots_match(rule->pattern, rule->len, norm, n, fail)) {
            is_allowed = rule->is_allow;
            break;
        }
    }
    free(fail);
    free(norm);
    return is_allowed;
}

long robots_crawl_delay_ms(const struct robots *r)
{
    return r ? r->delay_ms : 0;
}
