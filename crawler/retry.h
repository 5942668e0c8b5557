/* SPDX-License-Identifier: MIT */
/* When to try a failed request again: which outcomes are worth a retry, how
 * long a Retry-After header asks us to wait, and the jittered exponential
 * backoff otherwise. Pure: the caller supplies the clock and the randomness,
 * and does the waiting. */
#ifndef CRAWLER_RETRY_H
#define CRAWLER_RETRY_H

#include <stdbool.h>
#include <stdint.h>

/* Parse a Retry-After header value (RFC 9110 10.2.3), surrounding spaces
 * and tabs allowed: delta-seconds ("120") or an HTTP-date in any of the
 * three forms of RFC 9110 5.6.7 (IMF-fixdate "Sun, 06 Nov 1994 08:49:37
 * GMT", obsolete RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT" whose two-digit
 * year is read as at most 50 years ahead of now, and asctime "Sun Nov  6
 * 08:49:37 1994"). Names are matched without case; the weekday is not
 * checked against the date. now is the current Unix time in seconds. On
 * success *delay_ms is the wait in milliseconds: 0 for a date in the past,
 * at most cap_ms; delta-seconds past what int64_t holds saturate, and so
 * wait cap_ms like any other value beyond it. Returns 0, SM_E_PARSE
 * (empty, garbage, a sign, a fraction, an impossible date), or SM_E_INVAL
 * (value or delay_ms NULL, or cap_ms negative); *delay_ms is only written
 * on success. Locale- and TZ-independent, thread-safe. */
int retry_after_parse(const char *value, int64_t now, long cap_ms,
                      long *delay_ms);

/* Parse an HTTP-date as retry_after_parse() does (any of the three forms,
 * blanks around it allowed; now places a two-digit year) into Unix
 * seconds *t. Returns 0, SM_E_PARSE (not a date), or SM_E_INVAL (value or
 * t NULL); *t is only written on success. */
int retry_http_date(const char *value, int64_t now, int64_t *t);

/* The delay in milliseconds before retry number attempt (1 is the first
 * retry; smaller values count as 1): exp = base_ms * 2^(attempt - 1), at
 * most cap_ms, then "equal jitter": exp / 2 + r * (exp - exp / 2), so the
 * result lies between exp / 2 and exp and never exceeds cap_ms. r is the
 * caller's random number in [0, 1) (out-of-range values and NaN are clamped),
 * which keeps this testable. Equal rather than full jitter because a crawler is
 * a guest: full jitter may retry a struggling server at once, equal jitter
 * still spreads retries but keeps at least half of the backoff. Returns 0
 * when base_ms or cap_ms is not positive. */
long retry_backoff_ms(int attempt, long base_ms, long cap_ms, double r);

/* Whether an HTTP status is worth retrying: 408, 429, 500, 502, 503 and
 * 504 are; every other status is not. */
bool retry_status_retryable(long http_status);

/* Whether a failed request is worth another try, from its outcome rc (0
 * or an SM_E_* code) and the HTTP status it received (0 if none). A
 * transport failure (SM_E_NET: refused, reset, cut short; SM_E_TIMEOUT,
 * also a stall) is, unless the status received was a redirect's (3xx):
 * the server did answer, and would answer the same way again. An HTTP
 * error (SM_E_HTTP) is when retry_status_retryable() says so. Nothing else
 * is: a TLS failure, a garbled reply, a size bound, a refusal
 * (--no-private) would all fail the same way again. */
bool retry_is_retryable(int rc, long http_status);

#endif
