/* SPDX-License-Identifier: MIT */
/* robots.txt (RFC 9309): parse a body into the rules of the one group that
 * applies to our product token, then answer "may this path be fetched?" and
 * "how long between requests?". Pure: no I/O, no caching, no HTTP policy
 * beyond the allow-all and disallow-all constructors. */
#ifndef CRAWLER_ROBOTS_H
#define CRAWLER_ROBOTS_H

#include <stdbool.h>
#include <stddef.h>

/* Only the first ROBOTS_MAX_BODY bytes of a body are parsed (RFC 9309 2.5
 * asks for at least 500 KiB); a line cut by that limit is dropped. */
#define ROBOTS_MAX_BODY (512 * 1024)
/* Lines longer than this (without the terminator) are ignored whole. */
#define ROBOTS_MAX_LINE 2048
/* Rules kept for the chosen group; later ones are ignored. */
#define ROBOTS_MAX_RULES 10000
/* Crawl-delay values above this are lowered to it, so that one host cannot
 * park a worker for hours. */
#define ROBOTS_MAX_DELAY_MS 60000L

/* The parsed rules for one user-agent. */
struct robots;

/* Parse body (len bytes, not NUL-terminated, untrusted; NULL with len 0 is
 * an empty file) and keep the group that applies to product token agent
 * (e.g. "stacml"; only its leading run of letters, '-' and '_' counts, so
 * "stacml/0.1" works too). User-agent lines are matched the same way and
 * case-insensitively. When several groups name the agent, their rules are
 * merged (RFC 9309 2.2.1); when none does, the "*" groups are used, merged
 * likewise; when there is no "*" group either, everything is allowed.
 * Lines that cannot be understood are skipped, so this never fails: garbage
 * yields an allow-all object. Returns a new object; free it with
 * robots_free(). */
struct robots *robots_parse(const char *body, size_t len, const char *agent);

/* A new object allowing everything, for a robots.txt that is missing
 * (RFC 9309 2.3.1.3: any 4xx status). Free it with robots_free(). */
struct robots *robots_new_allow_all(void);

/* A new object disallowing everything but /robots.txt itself, for a
 * robots.txt that is unreachable (RFC 9309 2.3.1.4: 5xx or network error).
 * Free it with robots_free(). */
struct robots *robots_new_disallow_all(void);

/* Free r; robots_free(NULL) is a no-op. */
void robots_free(struct robots *r);

/* Whether path may be fetched. path is the URL's path plus "?query",
 * starting with '/' (NULL or "" mean "/"). Percent-encoding is normalised on
 * both sides before comparing: %XX of an unreserved character is decoded,
 * other %xx escapes are upper-cased, and non-ASCII bytes are encoded. The
 * longest matching Allow or Disallow pattern wins, Allow on a tie; '*'
 * matches any run of characters and a final '$' anchors at the end. No
 * matching rule, or an empty Disallow, means allowed; "/robots.txt" is
 * always allowed (RFC 9309 2.2.2). Cost is linear in the path length per
 * rule. Reads r only, so it may be called from several threads at once. */
bool robots_allowed(const struct robots *r, const char *path);

/* The Crawl-delay of the chosen group in milliseconds: decimal seconds with
 * an optional fraction ("10", "0.5"), the largest when the group has
 * several, at most ROBOTS_MAX_DELAY_MS; 0 when absent or invalid. */
long robots_crawl_delay_ms(const struct robots *r);

#endif
