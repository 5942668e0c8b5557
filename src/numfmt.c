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
 * (1), exactly a half (0) or below (-1). */
static uint64_t scaled(uint64_t m, int s, int k, int *rest)
{
    u128 n = (u128)m * pow10_u128(k);
    if (s <= 0) {
        *rest = -1;
        return (uint64_t)(n << -s);
    }
    u128 q = n >> s, r = n - (q << s), half = (u128)1 << (s - 1);
    *rest = r > half ? 1 : r == half ? 0 : -1;
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

size_t numfmt_g17(double v, char buf[NUMFMT_G17_MAX])
{
    bool neg = v < 0;
    double a = neg ? -v : v;
    if (!(a >= 1e-5 && a < 1e17)) /* also NaN */
        return fallback(v, buf);
    uint64_t bits;
    memcpy(&bits, &v, sizeof(bits));
    int be = (int)((bits >> 52) & 0x7ff); /* not 0: a is normal */
    uint64_t m = (bits & ((1ULL << 52) - 1)) | (1ULL << 52);
    int s = 1075 - be; /* a = m * 2^-s */
    int x = exponent_guess(be - 1023), rest = -1;
    uint64_t q = 0;
    for (int tries = 0;; tries++) {
        if (tries == 4 || x < -6 || x > DIGITS - 1)
            return fallback(v, buf);
        q = scaled(m, s, DIGITS - 1 - x, &rest);
        if (q >= P17)
            x++;
        else if (q < P16)
            x--;
        else
            break;
    }
    if (rest > 0 || (rest == 0 && (q & 1))) {
        if (++q == P17) {
            q = P16;
            x++;
        }
    }
    if (x < -4 || x >= DIGITS)
        return fallback(v, buf);
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
