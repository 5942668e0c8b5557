/* SPDX-License-Identifier: MIT */
/* Retry policy helpers: Retry-After parsing (delta-seconds and the three
 * HTTP-date forms, with our own name tables and calendar arithmetic, so no
 * locale, TZ or strptime/timegm is involved), jittered exponential backoff
 * and the retryable statuses. Pure and thread-safe. */
#include <config.h>

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "crawler/retry.h"
#include "src/err.h"

/* A read position in a value that is not NUL-terminated at end. */
struct retry_cursor {
    const char *p;
    const char *end;
};

#define RETRY_N_MONTHS 12
#define RETRY_N_DAYS 14

static const char *const retry_months[RETRY_N_MONTHS] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static const char *const retry_gmt[] = {"GMT"};

/* Short (IMF-fixdate, asctime) and long (RFC 850) weekday names. */
static const char *const retry_days[RETRY_N_DAYS] = {
    "Mon",      "Tue",    "Wed",      "Thu",     "Fri",
    "Sat",      "Sun",    "Monday",   "Tuesday", "Wednesday",
    "Thursday", "Friday", "Saturday", "Sunday",
};

static bool retry_is_space(char c)
{
    return c == ' ' || c == '\t';
}

static bool retry_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool retry_is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Skip spaces and tabs; false when fewer than min were there. */
static bool retry_spaces(struct retry_cursor *c, size_t min)
{
    size_t n = 0;

    while (c->p < c->end && retry_is_space(*c->p)) {
        c->p++;
        n++;
    }
    return n >= min;
}

static bool retry_char(struct retry_cursor *c, char ch)
{
    if (c->p == c->end || *c->p != ch)
        return false;
    c->p++;
    return true;
}

/* Read min to max digits as a number; false when the count is outside. */
static bool retry_number(struct retry_cursor *c, size_t min, size_t max,
                         int *value)
{
    size_t n = 0;

    *value = 0;
    while (c->p < c->end && retry_is_digit(*c->p) && n < max) {
        *value = *value * 10 + (*c->p - '0');
        c->p++;
        n++;
    }
    /* A digit right after max digits means the field is too long. */
    if (c->p < c->end && retry_is_digit(*c->p))
        return false;
    return n >= min;
}

/* Read a word of letters and return its index in names (case-insensitive),
 * or -1 when it is not one of them. */
static int retry_name(struct retry_cursor *c, const char *const *names,
                      size_t count)
{
    const char *word = c->p;
    size_t n;

    while (c->p < c->end && retry_is_alpha(*c->p))
        c->p++;
    n = (size_t)(c->p - word);
    for (size_t i = 0; i < count; i++) {
        if (strlen(names[i]) == n && strncasecmp(word, names[i], n) == 0)
            return (int)i;
    }
    return -1;
}

/* "hh:mm:ss" */
static bool retry_time(struct retry_cursor *c, int *h, int *m, int *s)
{
    return retry_number(c, 2, 2, h) && retry_char(c, ':') &&
           retry_number(c, 2, 2, m) && retry_char(c, ':') &&
           retry_number(c, 2, 2, s);
}

static bool retry_is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int retry_month_days(int64_t y, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return month == 2 && retry_is_leap(y) ? 29 : days[month - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil): exact for any year, no table of month offsets. */
static int64_t retry_days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The year of day z since 1970-01-01 (Hinnant's civil_from_days). */
static int64_t retry_year_of_day(int64_t z)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    return yoe + era * 400 + (mp >= 10);
}

/* The full year of an RFC 850 two-digit year: RFC 9110 5.6.7 reads a year
 * that looks more than 50 years ahead as the most recent past year with
 * those digits, i.e. the latest year ending in yy that is at most 50 years
 * after the current one ("00" in 1999 is 2000, "75" in 2024 is 1975). */
static int64_t retry_window_year(int yy, int64_t now)
{
    /* Floor division: the day of a negative now is the one before. */
    int64_t day = now / 86400 - (now % 86400 < 0);
    int64_t limit = retry_year_of_day(day) + 50;

    return limit - (((limit - yy) % 100) + 100) % 100;
}

/* Parse an HTTP-date in [p, end) into Unix seconds. */
static int retry_parse_date(const char *p, const char *end, int64_t now,
                            int64_t *t)
{
    struct retry_cursor c = {p, end};
    int day, month, year, h, m, s;
    const char *year_start;
    int64_t y;
    bool is_rfc850 = false;

    if (retry_name(&c, retry_days, RETRY_N_DAYS) < 0)
        return SM_E_PARSE;
    if (retry_char(&c, ',')) {
        /* IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT" or RFC 850
         * "Sunday, 06-Nov-94 08:49:37 GMT". */
        if (!retry_spaces(&c, 0) || !retry_number(&c, 1, 2, &day))
            return SM_E_PARSE;
        is_rfc850 = retry_char(&c, '-');
        if (!is_rfc850 && !retry_spaces(&c, 1))
            return SM_E_PARSE;
        month = retry_name(&c, retry_months, RETRY_N_MONTHS) + 1;
        if (month == 0)
            return SM_E_PARSE;
        if (is_rfc850 ? !retry_char(&c, '-') : !retry_spaces(&c, 1))
            return SM_E_PARSE;
        /* Some RFC 850 senders write four digits; accept two or four. */
        year_start = c.p;
        if (!retry_number(&c, is_rfc850 ? 2 : 4, 4, &year) ||
            c.p - year_start == 3)
            return SM_E_PARSE;
        if (c.p - year_start == 2)
            y = retry_window_year(year, now);
        else
            y = year;
        if (!retry_spaces(&c, 1) || !retry_time(&c, &h, &m, &s) ||
            !retry_spaces(&c, 1) || retry_name(&c, retry_gmt, 1) < 0)
            return SM_E_PARSE;
    } else {
        /* asctime "Sun Nov  6 08:49:37 1994". */
        if (!retry_spaces(&c, 1))
            return SM_E_PARSE;
        month = retry_name(&c, retry_months, RETRY_N_MONTHS) + 1;
        if (month == 0 || !retry_spaces(&c, 1) ||
            !retry_number(&c, 1, 2, &day) || !retry_spaces(&c, 1) ||
            !retry_time(&c, &h, &m, &s) || !retry_spaces(&c, 1) ||
            !retry_number(&c, 4, 4, &year))
            return SM_E_PARSE;
        y = year;
    }
    if (c.p != c.end)
        return SM_E_PARSE;
    /* 60 seconds is a leap second; it simply counts as one more. */
    if (y < 0 || y > 9999 || day < 1 || day > retry_month_days(y, month) ||
        h > 23 || m > 59 || s > 60)
        return SM_E_PARSE;
    *t = retry_days_from_civil(y, month, day) * 86400 + h * 3600 + m * 60 + s;
    return 0;
}

/* Parse delta-seconds (1*DIGIT) in [p, end). A number past INT64_MAX
 * saturates there: a server that asks for a longer wait than we can count
 * asks for a very long one, which the caller's cap then bounds like any
 * other long wait. */
static int retry_parse_seconds(const char *p, const char *end, uint64_t *secs)
{
    uint64_t v = 0;

    for (; p < end; p++) {
        if (!retry_is_digit(*p))
            return SM_E_PARSE;
        if (v > ((uint64_t)INT64_MAX - (uint64_t)(*p - '0')) / 10)
            v = INT64_MAX;
        else
            v = v * 10 + (uint64_t)(*p - '0');
    }
    *secs = v;
    return 0;
}

/* secs * 1000, at most cap_ms (>= 0), without overflowing. */
static long retry_seconds_to_ms(uint64_t secs, long cap_ms)
{
    if (secs > (uint64_t)cap_ms / 1000)
        return cap_ms;
    return (long)secs * 1000;
}

/* [*p, *end) is value without the spaces and tabs around it. */
static void retry_trim(const char *value, const char **p, const char **end)
{
    *p = value;
    *end = value + strlen(value);
    while (*p < *end && retry_is_space(**p))
        (*p)++;
    while (*end > *p && retry_is_space((*end)[-1]))
        (*end)--;
}

int retry_http_date(const char *value, int64_t now, int64_t *t)
{
    const char *p, *end;

    if (!value || !t)
        return SM_E_INVAL;
    retry_trim(value, &p, &end);
    return retry_parse_date(p, end, now, t);
}

int retry_after_parse(const char *value, int64_t now, long cap_ms,
                      long *delay_ms)
{
    const char *p, *end;
    uint64_t secs = 0;
    int64_t t;
    int rc;

    if (!value || !delay_ms || cap_ms < 0)
        return SM_E_INVAL;
    retry_trim(value, &p, &end);
    if (p == end)
        return SM_E_PARSE;
    if (retry_is_digit(*p)) {
        rc = retry_parse_seconds(p, end, &secs);
    } else {
        rc = retry_parse_date(p, end, now, &t);
        /* t > now, both int64_t: the unsigned difference is exact even when
         * the signed one would overflow. */
        if (rc == 0 && t > now)
            secs = (uint64_t)t - (uint64_t)now;
    }
    if (rc != 0)
        return rc;
    *delay_ms = retry_seconds_to_ms(secs, cap_ms);
    return 0;
}

long retry_backoff_ms(int attempt, long base_ms, long cap_ms, double r)
{
    long exp = base_ms, half, jitter;

    if (base_ms <= 0 || cap_ms <= 0)
        return 0;
    if (!(r >= 0.0)) /* also catches NaN */
        r = 0.0;
    if (r > 1.0)
        r = 1.0;
    if (exp > cap_ms)
        exp = cap_ms;
    /* At most ~63 rounds: exp at least doubles until it reaches cap_ms. */
    for (int i = 1; i < attempt && exp < cap_ms; i++)
        exp = exp > cap_ms / 2 ? cap_ms : 2 * exp;
    half = exp / 2;
    jitter = (long)(r * (double)(exp - half));
    /* r * x may round above x for x beyond 2^53. */
    if (jitter > exp - half)
        jitter = exp - half;
    return half + jitter;
}

bool retry_status_retryable(long http_status)
{
    switch (http_status) {
    case 408: /* Request Timeout */
    case 429: /* Too Many Requests */
    case 500: /* Internal Server Error */
    case 502: /* Bad Gateway */
    case 503: /* Service Unavailable */
    case 504: /* Gateway Timeout */
        return true;
    default:
        return false;
    }
}

bool retry_is_retryable(int rc, long http_status)
{
    if (rc == SM_E_NET || rc == SM_E_TIMEOUT)
        return http_status < 300 || http_status > 399;
    return rc == SM_E_HTTP && retry_status_retryable(http_status);
}
