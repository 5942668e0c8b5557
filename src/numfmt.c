/* SPDX-License-Identifier: MIT */
/* "%.17g" by integer arithmetic. A finite double is m * 2^e exactly
 * (m < 2^53). Its seventeen significant digits are the integer
 * m * 2^e * 10^(16 - X), rounded to nearest with ties to even as glibc
 * rounds, where X is the decimal exponent of the result; for magnitudes
 * from 1e-5 to 1e17 the product m * 10^(16 - X) stays below 2^127, so one
 * 128-bit multiplication and a shift give the digits and the remainder
 * that decides the rounding. "%g" then writes them in fixed notation when
 * -4 <= X < 17, without trailing zeros. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "src/numfmt.h"

typedef unsigned __int128 u128;

#define DIGITS 17
#define P16 10000000000000000ULL  /* 10^16: the least 17-digit integer */
#define P17 100000000000000000ULL /* 10^17 */

static size_t fallback(double v, char *buf)
{
    int n = snprintf(buf, NUMFMT_G17_MAX, "%.17g", v);
    return n > 0 ? (size_t)n : 0;
}

static u128 pow10_u128(int k) /* 0 <= k <= 38 */
{
    static const uint64_t p[20] = {1ULL,
                                   10ULL,
                                   100ULL,
                                   1000ULL,
                                   10000ULL,
                                   100000ULL,
                                   1000000ULL,
                                   10000000ULL,
                                   100000000ULL,
                                   1000000000ULL,
                                   10000000000ULL,
                                   100000000000ULL,
                                   1000000000000ULL,
                                   10000000000000ULL,
                                   100000000000000ULL,
                                   1000000000000000ULL,
                                   10000000000000000ULL,
                                   100000000000000000ULL,
                                   1000000000000000000ULL,
                                   10000000000000000000ULL};
    return k < 20 ? p[k] : (u128)p[19] * p[k - 19];
}

/* m * 2^-s * 10^k: the integer part, and whether the rest is past a half
 * (1), exactly a half (0), below (-1) or nothing (-2). */
static uint64_t scaled(uint64_t m, int s, int k, int *rest)
{
    u128 n = (u128)m * pow10_u128(k);
    if (s <= 0) {
        *rest = -2;
        return (uint64_t)(n << -s);
    }
    u128 q = n >> s, r = n - (q << s), half = (u128)1 << (s - 1);
    *rest = r > half ? 1 : r == half ? 0 : r ? -1 : -2;
    return (uint64_t)q;
}

/* The decimal exponent of a number with binary exponent e2, or one less
 * (log10(2) is 78913 / 2^18 to enough places; the shift floors). */
static int exponent_guess(int e2)
{
    return (e2 * 78913) >> 18;
}

static size_t write_fixed(char *buf, bool neg, uint64_t q, int x)
{
    char d[DIGITS];
    for (int i = DIGITS - 1; i >= 0; i--, q /= 10)
        d[i] = (char)('0' + q % 10);
    int nd = DIGITS;
    while (nd > 1 && d[nd - 1] == '0')
        nd--;
    char *p = buf;
    if (neg)
        *p++ = '-';
    if (x >= 0) {
        memcpy(p, d, (size_t)x + 1);
        p += x + 1;
        if (nd > x + 1) {
            *p++ = '.';
            memcpy(p, d + x + 1, (size_t)(nd - x - 1));
            p += nd - x - 1;
        }
    } else {
        *p++ = '0';
        *p++ = '.';
        memset(p, '0', (size_t)(-x - 1));
        p += -x - 1;
        memcpy(p, d, (size_t)nd);
        p += nd;
    }
    *p = '\0';
    return (size_t)(p - buf);
}

/* The seventeen significant digits of v, q (10^16 <= q < 10^17), its
 * decimal exponent x, and where |v| lies from q: above (1), below (-1),
 * on it (0); for magnitudes from 1e-5 to 1e17 with -4 <= x < 17 (where
 * "%.17g" writes fixed notation); false elsewhere. */
static bool digits17(double v, bool *neg, uint64_t *qp, int *xp, int *dir)
{
    *neg = v < 0;
    double a = *neg ? -v : v;
    if (!(a >= 1e-5 && a < 1e17)) /* also NaN */
        return false;
    uint64_t bits;
    memcpy(&bits, &v, sizeof(bits));
    int be = (int)((bits >> 52) & 0x7ff); /* not 0: a is normal */
    uint64_t m = (bits & ((1ULL << 52) - 1)) | (1ULL << 52);
    int s = 1075 - be; /* a = m * 2^-s */
    int x = exponent_guess(be - 1023), rest = -1;
    uint64_t q = 0;
    for (int tries = 0;; tries++) {
        if (tries == 4 || x < -6 || x > DIGITS - 1)
            return false;
        q = scaled(m, s, DIGITS - 1 - x, &rest);
        if (q >= P17)
            x++;
        else if (q < P16)
            x--;
        else
            break;
    }
    *dir = rest == -2 ? 0 : 1;
    if (rest > 0 || (rest == 0 && (q & 1))) {
        *dir = -1;
        if (++q == P17) {
            q = P16;
            x++;
        }
    }
    if (x < -4 || x >= DIGITS)
        return false;
    *qp = q;
    *xp = x;
    return true;
}

size_t numfmt_g17(double v, char buf[NUMFMT_G17_MAX])
{
    bool neg;
    uint64_t q;
    int x, dir;
    if (!digits17(v, &neg, &q, &x, &dir))
        return fallback(v, buf);
    return write_fixed(buf, neg, q, x);
}

/* Whether the decimal d * 10^e reads back as the double a (a >= 0). With
 * d below 2^53 and 10^|e| exact, one division or multiplication rounds
 * once, as strtod() does (Clinger's fast path); strtod() otherwise. */
static bool reads_back(uint64_t d, int e, double a)
{
    static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    if (d <= (1ULL << 53) && e >= -22 && e <= 22)
        return (e < 0 ? (double)d / p10[-e] : (double)d * p10[e]) == a;
    char t[48];
    snprintf(t, sizeof(t), "%llue%d", (unsigned long long)d, e);
    return strtod(t, NULL) == a;
}

/* q (17 digits, exponent *x, a on side dir of it) rounded to p digits
 * and widened back to 17 with zeros, when that reads back as a; 0
 * otherwise. A tie in q's digits is none in a's unless dir is 0. */
static uint64_t rounded_back(uint64_t q, int *x, int dir, int p, double a)
{
    uint64_t div = (uint64_t)pow10_u128(DIGITS - p), d = q / div, r = q % div;
    int xx = *x;
    if (2 * r > div || (2 * r == div && (dir > 0 || (dir == 0 && (d & 1)))))
        d++;
    if (d == (uint64_t)pow10_u128(p)) {
        d /= 10;
        xx++;
    }
    if (xx >= DIGITS)
        return 0;
    if (!reads_back(d, xx - (p - 1), a))
        return 0;
    *x = xx;
    return d * div;
}

/* The shortest "%.*g" that reads back as v, by snprintf(). */
static size_t shortest_printf(double v, char buf[NUMFMT_G17_MAX])
{
    for (int prec = 1; prec < DIGITS; prec++) {
        int n = snprintf(buf, NUMFMT_G17_MAX, "%.*g", prec, v);
        if (n > 0 && strtod(buf, NULL) == v)
            return (size_t)n;
    }
    return fallback(v, buf);
}

size_t numfmt_real(double v, char buf[NUMFMT_G17_MAX])
{
    bool neg;
    uint64_t q;
    int x, dir;
    if (!digits17(v, &neg, &q, &x, &dir))
        return shortest_printf(v, buf);
    /* Fifteen digits read back whenever any shorter text does (DBL_DIG),
     * and write_fixed() drops their trailing zeros. */
    double a = neg ? -v : v;
    for (int p = 15; p < DIGITS; p++) {
        int xx = x;
        uint64_t d = rounded_back(q, &xx, dir, p, a);
        if (d)
            return write_fixed(buf, neg, d, xx);
    }
    return write_fixed(buf, neg, q, x);
}

static size_t digits_at(const char *s)
{
    size_t n = 0;
    while (isdigit((unsigned char)s[n]))
        n++;
    return n;
}

/* The length of the decimal number s starts with, 0 if none. */
static size_t decimal_len(const char *s)
{
    size_t n = (*s == '+' || *s == '-') ? 1 : 0;
    size_t whole = digits_at(s + n);
    n += whole;
    size_t frac = 0;
    if (s[n] == '.') {
        frac = digits_at(s + n + 1);
        n += 1 + frac;
    }
    if (whole + frac == 0)
        return 0;
    if (s[n] == 'e' || s[n] == 'E') {
        size_t e = (s[n + 1] == '+' || s[n + 1] == '-') ? 2 : 1;
        size_t exp = digits_at(s + n + e);
        if (exp > 0)
            n += e + exp;
    }
    return n;
}

void numfmt_shortest(double v, char *buf, size_t n)
{
    char first[64] = "";

    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) != v)
            continue;
        /* "3e+03" reads back, but "3000" is what a person wrote */
        if (!strchr(buf, 'e'))
            return;
        if (!first[0])
            snprintf(first, sizeof(first), "%s", buf);
    }
    if (first[0])
        snprintf(buf, n, "%s", first);
}

int numfmt_read(const char *s, double *v, char **end)
{
    size_t n = decimal_len(s);
    *end = (char *)s;
    *v = 0;
    if (n == 0)
        return -1;
    errno = 0;
    *v = strtod(s, end);
    if (*end != s + n) {
        /* "0x1A", which strtod() reads as hexadecimal: the decimal number
         * is its "0" alone. */
        *v = *s == '-' ? -0.0 : 0.0;
        *end = (char *)s + n;
    }
    return 0;
}
