/* SPDX-License-Identifier: MIT */
/* Unit tests for crawler/retry.c: Retry-After in seconds and in the three
 * HTTP-date forms (checked against gmtime_r over six centuries), garbage,
 * past dates, caps and overflow; backoff growth, cap and jitter bounds;
 * the retryable statuses. */
#include <config.h>

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crawler/retry.h"
#include "src/err.h"
#include "tests/lib/check.h"

/* Sun, 06 Nov 1994 08:49:37 GMT, the RFC 9110 example. */
#define T1994 INT64_C(784111777)
/* 2024-01-01T00:00:00Z and 2029-12-31T23:00:00Z. */
#define T2024 INT64_C(1704067200)
#define T2029 INT64_C(1893452400)
#define HOUR_MS 3600000L

struct after_case {
    const char *name;
    const char *value;
    int64_t now;
    long cap_ms;
    int rc;
    long ms; /* when rc == 0 */
};

static const struct after_case after_cases[] = {
    /* delta-seconds */
    {"seconds", "120", 0, HOUR_MS, 0, 120000},
    {"zero", "0", 0, HOUR_MS, 0, 0},
    {"spaces", "  120 \t", 0, HOUR_MS, 0, 120000},
    {"leading zeros", "000000000000000000000000000007", 0, HOUR_MS, 0, 7000},
    {"seconds capped", "7200", 0, HOUR_MS, 0, HOUR_MS},
    {"just under cap", "3599", 0, HOUR_MS, 0, 3599000},
    {"at cap", "3600", 0, HOUR_MS, 0, HOUR_MS},
    {"cap not whole seconds", "2", 0, 1500, 0, 1500},
    {"cap zero", "120", 0, 0, 0, 0},
    {"int64 max", "9223372036854775807", 0, HOUR_MS, 0, HOUR_MS},
    /* Past 64 bits: the longest wait, capped like any long one. */
    {"int64 max + 1", "9223372036854775808", 0, HOUR_MS, 0, HOUR_MS},
    {"overflow", "99999999999999999999", 0, HOUR_MS, 0, HOUR_MS},
    {"overflow 23 digits", "99999999999999999999999", 0, HOUR_MS, 0, HOUR_MS},
    {"overflow spaces", " 99999999999999999999999\t", 0, HOUR_MS, 0, HOUR_MS},
    {"overflow then letter", "99999999999999999999999x", 0, HOUR_MS, SM_E_PARSE,
     0},
    {"overflow then fraction", "99999999999999999999999.5", 0, HOUR_MS,
     SM_E_PARSE, 0},
    {"negative", "-5", 0, HOUR_MS, SM_E_PARSE, 0},
    {"plus", "+5", 0, HOUR_MS, SM_E_PARSE, 0},
    {"fraction", "1.5", 0, HOUR_MS, SM_E_PARSE, 0},
    {"suffix", "12a", 0, HOUR_MS, SM_E_PARSE, 0},
    {"two numbers", "1 2", 0, HOUR_MS, SM_E_PARSE, 0},
    {"hex", "0x10", 0, HOUR_MS, SM_E_PARSE, 0},
    {"empty", "", 0, HOUR_MS, SM_E_PARSE, 0},
    {"blank", " \t ", 0, HOUR_MS, SM_E_PARSE, 0},
    {"word", "soon", 0, HOUR_MS, SM_E_PARSE, 0},
    {"newline inside", "12\n0", 0, HOUR_MS, SM_E_PARSE, 0},

    /* The three HTTP-date forms of RFC 9110 5.6.7. */
    {"imf", "Sun, 06 Nov 1994 08:49:37 GMT", T1994 - 120, HOUR_MS, 0, 120000},
    {"rfc850", "Sunday, 06-Nov-94 08:49:37 GMT", T1994 - 60, HOUR_MS, 0, 60000},
    {"asctime", "Sun Nov  6 08:49:37 1994", T1994 - 1, HOUR_MS, 0, 1000},
    {"imf now", "Sun, 06 Nov 1994 08:49:37 GMT", T1994, HOUR_MS, 0, 0},
    {"imf past", "Sun, 06 Nov 1994 08:49:37 GMT", T1994 + 1, HOUR_MS, 0, 0},
    {"imf long past", "Sun, 06 Nov 1994 08:49:37 GMT", T2024, HOUR_MS, 0, 0},
    {"imf capped", "Fri, 31 Dec 9999 23:59:59 GMT", T2024, HOUR_MS, 0, HOUR_MS},
    {"imf spaces", " Sun, 06 Nov 1994 08:49:37 GMT ", T1994 - 2, HOUR_MS, 0,
     2000},
    {"imf lower case", "sun, 06 nov 1994 08:49:37 gmt", T1994 - 3, HOUR_MS, 0,
     3000},
    {"imf one-digit day", "Sun, 6 Nov 1994 08:49:37 GMT", T1994 - 4, HOUR_MS, 0,
     4000},
    {"imf long weekday", "Sunday, 06 Nov 1994 08:49:37 GMT", T1994 - 5, HOUR_MS,
     0, 5000},
    {"imf epoch", "Thu, 01 Jan 1970 00:00:00 GMT", -10, HOUR_MS, 0, 10000},
    {"imf y2k", "Sat, 01 Jan 2000 00:00:00 GMT", 946684800 - 2, HOUR_MS, 0,
     2000},
    {"imf 2038", "Tue, 19 Jan 2038 03:14:08 GMT", INT64_C(2147483648) - 3,
     HOUR_MS, 0, 3000},
    {"leap day", "Thu, 29 Feb 2024 00:00:00 GMT", 1709164800 - 7, HOUR_MS, 0,
     7000},
    {"leap day 2000", "Tue, 29 Feb 2000 00:00:00 GMT", 0, HOUR_MS, 0, HOUR_MS},
    {"leap second", "Sat, 31 Dec 2016 23:59:60 GMT", 1483228799, HOUR_MS, 0,
     1000},
    {"rfc850 four digits", "Sunday, 06-Nov-1994 08:49:37 GMT", T1994 - 8,
     HOUR_MS, 0, 8000},
    {"rfc850 next century", "Tuesday, 01-Jan-30 00:00:00 GMT", T2029, HOUR_MS,
     0, 3600000},
    {"rfc850 previous century", "Friday, 01-Jan-99 00:00:00 GMT", T2029,
     HOUR_MS, 0, 0},
    {"rfc850 50 years ahead", "Sunday, 01-Jan-74 00:00:00 GMT", T2024, HOUR_MS,
     0, HOUR_MS},
    {"rfc850 51 years ahead", "Monday, 01-Jan-75 00:00:00 GMT", T2024, HOUR_MS,
     0, 0},
    {"asctime two-digit day", "Wed Nov 16 08:49:37 1994", T1994, HOUR_MS, 0,
     HOUR_MS},
    {"asctime padded", "Sun Nov 06 08:49:37 1994", T1994 - 9, HOUR_MS, 0, 9000},

    /* Not dates. */
    {"bad weekday", "Xyz, 06 Nov 1994 08:49:37 GMT", 0, HOUR_MS, SM_E_PARSE, 0},
    {"bad month", "Sun, 06 Foo 1994 08:49:37 GMT", 0, HOUR_MS, SM_E_PARSE, 0},
    {"month number", "Sun, 06 11 1994 08:49:37 GMT", 0, HOUR_MS, SM_E_PARSE, 0},
    {"31 Feb", "Sun, 31 Feb 1994 08:49:37 GMT", 0, HOUR_MS, SM_E_PARSE, 0},
    {"29 Feb 2023", "Wed, 29 Feb 2023 00:00:00 GMT", 0, HOUR_MS, SM_E_PARSE, 0},
    {"29 Feb 1900", "Thu, 29 Feb 1900 00:00:00 GMT", 0, HOUR_MS, SM_E_PARSE, 0},
    {"day 0", "Sun, 00 Nov 1994 08:49:37 GMT", 0, HOUR_MS, SM_E_PARSE, 0},
    {"day 32", "Sun, 32 Dec 1994 08:49:37 GMT", 0, HOUR_MS, SM_E_PARSE, 0},
    {"hour 24", "Sun, 06 Nov 1994 24:00:00 GMT", 0, HOUR_MS, SM_E_PARSE, 0},
    {"minute 60", "Sun, 06 Nov 1994 08:60:00 GMT", 0, HOUR_MS, SM_E_PARSE, 0},
    {"second 61", "Sun, 06 Nov 1994 08:49:61 GMT", 0, HOUR_MS, SM_E_PARSE, 0},
    {"short time", "Sun, 06 Nov 1994 8:49:37 GMT", 0, HOUR_MS, SM_E_PARSE, 0},
    {"no seconds", "Sun, 06 Nov 1994 08:49 GMT", 0, HOUR_MS, SM_E_PARSE, 0},
    {"other zone", "Sun, 06 Nov 1994 08:49:37 PST", 0, HOUR_MS, SM_E_PARSE, 0},
    {"offset", "Sun, 06 Nov 1994 08:49:37 +0000", 0, HOUR_MS, SM_E_PARSE, 0},
    {"no zone", "Sun, 06 Nov 1994 08:49:37", 0, HOUR_MS, SM_E_PARSE, 0},
    {"trailing junk", "Sun, 06 Nov 1994 08:49:37 GMT x", 0, HOUR_MS, SM_E_PARSE,
     0},
    {"GMTx", "Sun, 06 Nov 1994 08:49:37 GMTx", 0, HOUR_MS, SM_E_PARSE, 0},
    {"imf two-digit year", "Sun, 06 Nov 94 08:49:37 GMT", 0, HOUR_MS,
     SM_E_PARSE, 0},
    {"imf five-digit year", "Sun, 06 Nov 19940 08:49:37 GMT", 0, HOUR_MS,
     SM_E_PARSE, 0},
    {"three-digit day", "Sun, 006 Nov 1994 08:49:37 GMT", 0, HOUR_MS,
     SM_E_PARSE, 0},
    {"rfc850 three-digit year", "Sunday, 06-Nov-994 08:49:37 GMT", 0, HOUR_MS,
     SM_E_PARSE, 0},
    {"rfc850 mixed", "Sunday, 06-Nov 1994 08:49:37 GMT", 0, HOUR_MS, SM_E_PARSE,
     0},
    {"asctime with zone", "Sun Nov  6 08:49:37 1994 GMT", 0, HOUR_MS,
     SM_E_PARSE, 0},
    {"asctime two-digit year", "Sun Nov  6 08:49:37 94", 0, HOUR_MS, SM_E_PARSE,
     0},
    {"iso 8601", "1994-11-06T08:49:37Z", 0, HOUR_MS, SM_E_PARSE, 0},
    {"weekday only", "Sun", 0, HOUR_MS, SM_E_PARSE, 0},
    {"weekday comma", "Sun,", 0, HOUR_MS, SM_E_PARSE, 0},
    {"truncated", "Sun, 06 Nov 1994 08:4", 0, HOUR_MS, SM_E_PARSE, 0},

    /* Extreme clocks must not overflow. */
    {"now min", "Sun, 06 Nov 1994 08:49:37 GMT", INT64_MIN, HOUR_MS, 0,
     HOUR_MS},
    {"now max", "Sun, 06 Nov 1994 08:49:37 GMT", INT64_MAX, HOUR_MS, 0, 0},
    {"now max rfc850", "Sunday, 06-Nov-94 08:49:37 GMT", INT64_MAX, HOUR_MS,
     SM_E_PARSE, 0},
    {"now min rfc850", "Sunday, 06-Nov-94 08:49:37 GMT", INT64_MIN, HOUR_MS,
     SM_E_PARSE, 0},
    {"now min seconds", "5", INT64_MIN, HOUR_MS, 0, 5000},
};

static void test_after(void)
{
    for (size_t i = 0; i < sizeof(after_cases) / sizeof(after_cases[0]); i++) {
        const struct after_case *c = &after_cases[i];
        long ms = -42;
        int rc = retry_after_parse(c->value, c->now, c->cap_ms, &ms);

        CHECK_CASE(c->name, rc == c->rc);
        if (rc == 0)
            CHECK_CASE(c->name, ms == c->ms);
        else
            CHECK_CASE(c->name, ms == -42); /* untouched on failure */
        if (rc != c->rc || (rc == 0 && ms != c->ms))
            fprintf(stderr, "  got rc %d ms %ld\n", rc, ms);
    }
}

static void test_after_args(void)
{
    long ms = -42;

    CHECK_INT_EQ(retry_after_parse(NULL, 0, HOUR_MS, &ms), SM_E_INVAL);
    CHECK_INT_EQ(retry_after_parse("5", 0, HOUR_MS, NULL), SM_E_INVAL);
    CHECK_INT_EQ(retry_after_parse("5", 0, -1, &ms), SM_E_INVAL);
    CHECK_INT_EQ(ms, -42);
    CHECK_INT_EQ(retry_after_parse("5", 0, LONG_MAX, &ms), 0);
    CHECK_INT_EQ(ms, 5000);
    CHECK_INT_EQ(retry_after_parse("9223372036854775807", 0, LONG_MAX, &ms), 0);
    CHECK_INT_EQ(ms, LONG_MAX);
    ms = -42;
    CHECK_INT_EQ(retry_after_parse("99999999999999999999999", 0, LONG_MAX, &ms),
                 0);
    CHECK_INT_EQ(ms, LONG_MAX);
}

/* retry_http_date(): a date alone, to Unix seconds; no delta-seconds. */
static void test_http_date(void)
{
    int64_t t = -42;

    CHECK_INT_EQ(retry_http_date(" Sun, 06 Nov 1994 08:49:37 GMT\t", 0, &t), 0);
    CHECK(t == INT64_C(784111777));
    CHECK_INT_EQ(retry_http_date("Sun Nov  6 08:49:37 1994", 0, &t), 0);
    CHECK(t == INT64_C(784111777));
    t = -42;
    CHECK_INT_EQ(retry_http_date("120", 0, &t), SM_E_PARSE);
    CHECK_INT_EQ(retry_http_date("", 0, &t), SM_E_PARSE);
    CHECK_INT_EQ(retry_http_date("yesterday", 0, &t), SM_E_PARSE);
    CHECK(t == -42);
    CHECK_INT_EQ(retry_http_date(NULL, 0, &t), SM_E_INVAL);
    CHECK_INT_EQ(retry_http_date("Sun Nov  6 08:49:37 1994", 0, NULL),
                 SM_E_INVAL);
}

/* The RFC 850 form, by hand: gcc's -Wformat-y2k rejects "%y" even where
 * the two-digit year is the point. */
static void rfc850_date(const struct tm *tm, char *text, size_t n)
{
    char weekday[16], month[8];

    strftime(weekday, sizeof(weekday), "%A", tm);
    strftime(month, sizeof(month), "%b", tm);
    snprintf(text, n, "%s, %02d-%s-%02d %02d:%02d:%02d GMT", weekday,
             tm->tm_mday, month, (tm->tm_year + 1900) % 100, tm->tm_hour,
             tm->tm_min, tm->tm_sec);
}

/* HTTP-date form f (IMF-fixdate, RFC 850, asctime) of tm; literal
 * formats so that -Wformat=2 can check them. */
static void format_date(size_t f, const struct tm *tm, char *text, size_t n)
{
    if (f == 0)
        strftime(text, n, "%a, %d %b %Y %H:%M:%S GMT", tm);
    else if (f == 1)
        rfc850_date(tm, text, n);
    else
        strftime(text, n, "%a %b %e %H:%M:%S %Y", tm);
}

/* Every day at a varying time from 1600 to 2400 in all three forms,
 * against the C library's calendar (gmtime_r and strftime in the C locale
 * need no time zone). */
static void test_calendar(void)
{
    const int64_t from = INT64_C(-11670912000); /* 1600-03-01 */
    const int64_t to = INT64_C(13569465600);    /* 2400-01-01 */
    int failures = 0;

    for (int64_t t = from; t < to; t += 86400 + 7919) {
        time_t tt = (time_t)t;
        struct tm tm;
        char text[64];

        if (!gmtime_r(&tt, &tm))
            continue;
        for (size_t f = 0; f < 3; f++) {
            long ms = -1;

            format_date(f, &tm, text, sizeof(text));
            if (retry_after_parse(text, t - 1, HOUR_MS, &ms) != 0 ||
                ms != 1000) {
                if (failures++ < 5)
                    fprintf(stderr, "  %s at %lld: %ld\n", text, (long long)t,
                            ms);
            }
        }
    }
    CHECK_INT_EQ(failures, 0);
}

struct backoff_case {
    const char *name;
    int attempt;
    long base_ms;
    long cap_ms;
    double r;
    long ms;
};

static const struct backoff_case backoff_cases[] = {
    {"first, r 0", 1, 1000, 60000, 0.0, 500},
    {"first, r 0.5", 1, 1000, 60000, 0.5, 750},
    {"first, r near 1", 1, 1000, 60000, 0.999999, 999},
    {"second", 2, 1000, 60000, 0.0, 1000},
    {"third", 3, 1000, 60000, 0.0, 2000},
    {"sixth", 6, 1000, 60000, 0.0, 16000},
    {"seventh capped", 7, 1000, 60000, 0.0, 30000},
    {"seventh capped r 0.5", 7, 1000, 60000, 0.5, 45000},
    {"huge attempt", INT_MAX, 1000, 60000, 0.5, 45000},
    {"attempt 0", 0, 1000, 60000, 0.0, 500},
    {"negative attempt", -3, 1000, 60000, 0.0, 500},
    {"base over cap", 1, 100000, 60000, 0.0, 30000},
    {"base 0", 3, 0, 60000, 0.5, 0},
    {"negative base", 3, -5, 60000, 0.5, 0},
    {"cap 0", 3, 1000, 0, 0.5, 0},
    {"NaN", 1, 1000, 60000, NAN, 500},
    {"negative r", 1, 1000, 60000, -1.0, 500},
    {"r above 1", 1, 1000, 60000, 5.0, 1000},
    {"odd exp", 1, 3, 60000, 0.9, 2},
    {"exp 1", 1, 1, 60000, 0.9, 0},
};

static void test_backoff(void)
{
    static const double rs[] = {0.0, 0.1, 0.5, 0.9, 0.999999999};

    for (size_t i = 0; i < sizeof(backoff_cases) / sizeof(backoff_cases[0]);
         i++) {
        const struct backoff_case *c = &backoff_cases[i];
        long ms = retry_backoff_ms(c->attempt, c->base_ms, c->cap_ms, c->r);

        CHECK_CASE(c->name, ms == c->ms);
        if (ms != c->ms)
            fprintf(stderr, "  got %ld\n", ms);
    }

    /* Bounds and growth: within [exp / 2, exp], never above the cap, and
     * never shrinking from one attempt to the next for the same r. */
    for (size_t k = 0; k < sizeof(rs) / sizeof(rs[0]); k++) {
        long prev = 0, exp = 250;

        for (int attempt = 1; attempt <= 80; attempt++) {
            long ms = retry_backoff_ms(attempt, 250, 90000, rs[k]);

            CHECK(ms >= exp / 2 && ms <= exp);
            CHECK(ms <= 90000);
            CHECK(ms >= prev);
            prev = ms;
            exp = exp > 45000 ? 90000 : 2 * exp;
        }
    }

    /* No overflow at the top of the range. */
    for (int attempt = 1; attempt < 100; attempt += 7) {
        long ms = retry_backoff_ms(attempt, LONG_MAX / 3, LONG_MAX, 0.999999);

        CHECK(ms >= LONG_MAX / 6);
        CHECK(ms <= LONG_MAX);
    }
    CHECK(retry_backoff_ms(5, LONG_MAX, LONG_MAX, 1.0) == LONG_MAX);
}

static void test_status(void)
{
    for (long s = 100; s < 600; s++) {
        bool expected = s == 408 || s == 429 || s == 500 || s == 502 ||
                        s == 503 || s == 504;
        bool is_redirect = s >= 300 && s <= 399;

        CHECK(retry_status_retryable(s) == expected);
        CHECK(retry_is_retryable(SM_E_HTTP, s) == expected);
        /* A transport failure after a status line: retried, unless the
         * answer was a redirect (its body cut short, say). */
        CHECK(retry_is_retryable(SM_E_NET, s) == !is_redirect);
        CHECK(retry_is_retryable(SM_E_TIMEOUT, s) == !is_redirect);
    }
    CHECK(!retry_status_retryable(0));
    CHECK(!retry_status_retryable(-1));
    CHECK(!retry_status_retryable(1503));
    /* No answer at all: refused, reset, timed out, stalled. */
    CHECK(retry_is_retryable(SM_E_NET, 0));
    CHECK(retry_is_retryable(SM_E_TIMEOUT, 0));
    /* What would fail the same way again, whatever the status. */
    static const int never[] = {0,           SM_E_TLS,    SM_E_PARSE,
                                SM_E_TOOBIG, SM_E_DENIED, SM_E_IO,
                                SM_E_INTR,   SM_E_NOTSTAC};
    for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
        CHECK(!retry_is_retryable(never[i], 0));
        CHECK(!retry_is_retryable(never[i], 503));
        CHECK(!retry_is_retryable(never[i], 200));
    }
}

int main(void)
{
    test_after();
    test_after_args();
    test_http_date();
    test_calendar();
    test_backoff();
    test_status();
    return check_exit("test-retry");
}
