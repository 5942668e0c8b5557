/* SPDX-License-Identifier: MIT */
/* numfmt_g17() against printf("%.17g"): bit patterns of every kind, the
 * decimals documents hold, the edges of its exact range, and the ties
 * that glibc rounds to even. */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/numfmt.h"
#include "tests/lib/check.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static long mismatches;

static void same_as_printf(double v)
{
    char want[64], got[NUMFMT_G17_MAX];
    snprintf(want, sizeof(want), "%.17g", v);
    size_t n = numfmt_g17(v, got);
    if (n == strlen(want) && strcmp(got, want) == 0)
        return;
    if (mismatches++ < 10)
        fprintf(stderr, "numfmt_g17(%a): \"%s\", printf: \"%s\"\n", v, got,
                want);
}

static double from_bits(uint64_t bits)
{
    double v;
    memcpy(&v, &bits, sizeof(v));
    return v;
}

static void test_known(void)
{
    static const struct {
        double v;
        const char *want;
    } cases[] = {
        {0.1, "0.10000000000000001"},
        {14.4658, "14.4658"},
        {-154.9703, "-154.97030000000001"},
        {1e16, "10000000000000000"},
        {1e-4, "0.0001"},
        {1e-5, "1.0000000000000001e-05"},
        {1e17, "1e+17"},
        /* Exact ties at the seventeenth digit: to even. */
        {1234567890123456.25, "1234567890123456.2"},
        {1234567890123456.75, "1234567890123456.8"},
        {-0.0, "-0"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char got[NUMFMT_G17_MAX];
        numfmt_g17(cases[i].v, got);
        CHECK_STR_EQ(got, cases[i].want);
    }
}

static void test_against_printf(void)
{
    /* Any bit pattern: most fall outside the exact range. */
    for (int i = 0; i < 200000; i++)
        same_as_printf(from_bits(rng()));
    /* Every binary exponent of the exact range and its neighbours. */
    for (int e = -20; e <= 60; e++)
        for (int i = 0; i < 2000; i++)
            same_as_printf(ldexp((double)(rng() >> 11), e - 53));
    /* Decimals as documents write them. */
    for (int i = 0; i < 200000; i++) {
        char text[48];
        snprintf(text, sizeof(text), "%s%llu.%0*llu", rng() & 1 ? "-" : "",
                 (unsigned long long)(rng() % 100000), (int)(rng() % 9) + 1,
                 (unsigned long long)(rng() % 100000000));
        same_as_printf(strtod(text, NULL));
    }
    /* Halves, quarters, eighths of large odd integers: ties. */
    for (int i = 0; i < 100000; i++)
        same_as_printf((double)((rng() >> 11) | 1) / (double)(2 << (i % 6)));
    /* The edges of the exact range, one ulp either side. */
    static const double edges[] = {1e-5, 1e-4, 1e16, 1e17, 1.0, 10.0};
    for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
        for (int s = -1; s <= 1; s += 2)
            for (double v = edges[i], k = 0; k < 4; k++) {
                same_as_printf(v);
                same_as_printf(-v);
                v = nextafter(v, s * INFINITY);
            }
    CHECK_INT_EQ(mismatches, 0);
}

/* What numfmt_real() must write: the fewest significant digits p that
 * read back ("%.*e" tried from one digit up), in fixed notation for a
 * decimal exponent from -4 to 16 (zeros after the digits, as JavaScript
 * writes 2^56 as 72057594037927940) and as "%.*e" writes them otherwise. */
static void shortest_reference(double v, char *out, size_t n)
{
    char e[64], digits[24];
    int p = 1;
    for (; p < 17; p++) {
        snprintf(e, sizeof(e), "%.*e", p - 1, v);
        if (strtod(e, NULL) == v)
            break;
    }
    snprintf(e, sizeof(e), "%.*e", p - 1, v);
    int x = atoi(strchr(e, 'e') + 1), nd = 0;
    if (v == 0 || x < -4 || x >= 17) {
        snprintf(out, n, "%s", v == 0 ? (signbit(v) ? "-0" : "0") : e);
        return;
    }
    for (const char *c = e; *c != 'e'; c++)
        if (*c >= '0' && *c <= '9')
            digits[nd++] = *c;
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    char *o = out;
    if (v < 0)
        *o++ = '-';
    if (x < 0) {
        o += sprintf(o, "0.%.*s%.*s", -x - 1, "0000", nd, digits);
    } else {
        for (int i = 0; i <= x; i++)
            *o++ = i < nd ? digits[i] : '0';
        if (nd > x + 1)
            o += sprintf(o, ".%.*s", nd - x - 1, digits + x + 1);
        *o = '\0';
    }
}

static long real_mismatches;

static void same_as_shortest(double v)
{
    char want[400], got[NUMFMT_G17_MAX];
    if (!isfinite(v))
        return;
    shortest_reference(v, want, sizeof(want));
    size_t n = numfmt_real(v, got);
    if (n == strlen(want) && strcmp(got, want) == 0)
        return;
    if (real_mismatches++ < 10)
        fprintf(stderr, "numfmt_real(%a): \"%s\", want \"%s\"\n", v, got, want);
}

/* numfmt_real(): the text a document wrote (-43.58, not "%.17g"'s
 * -43.579999999999998), and for any double the shortest that reads back. */
static void test_real(void)
{
    static const struct {
        double v;
        const char *want;
    } cases[] = {
        {-43.58, "-43.58"},
        {0.1, "0.1"},
        {172.53, "172.53"},
        {1000.0, "1000"},
        {1e16, "10000000000000000"},
        {1e17, "1e+17"},
        {1e-5, "1e-05"},
        {1e-4, "0.0001"},
        {5e-324, "5e-324"},
        {0.0, "0"},
        {-0.0, "-0"},
        {1.0 / 3, "0.3333333333333333"},
        {2.0 / 3, "0.6666666666666666"},
        {72057594037927936.0, "72057594037927940"},
        {123456789012345678.0, "1.2345678901234568e+17"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char got[NUMFMT_G17_MAX];
        numfmt_real(cases[i].v, got);
        CHECK_STR_EQ(got, cases[i].want);
    }
    for (int i = 0; i < 200000; i++)
        same_as_shortest(from_bits(rng()));
    for (int e = -20; e <= 60; e++)
        for (int i = 0; i < 2000; i++)
            same_as_shortest(ldexp((double)(rng() >> 11), e - 53));
    for (int i = 0; i < 200000; i++) {
        char text[48];
        snprintf(text, sizeof(text), "%s%llu.%0*llu", rng() & 1 ? "-" : "",
                 (unsigned long long)(rng() % 100000), (int)(rng() % 9) + 1,
                 (unsigned long long)(rng() % 100000000));
        same_as_shortest(strtod(text, NULL));
    }
    CHECK_INT_EQ(real_mismatches, 0);
}

/* numfmt_read(): decimal numbers as strtod() reads them, and nothing
 * else it takes. */
static void test_read(void)
{
    static const struct {
        const char *s;
        int rc;
        double v;
        size_t len; /* of the number read */
    } cases[] = {
        {"10", 0, 10, 2},  {"-1.5e1,", 0, -15, 6}, {"+0", 0, 0, 2},
        {".5", 0, 0.5, 2}, {"1.", 0, 1, 2},        {"2E-2", 0, 0.02, 4},
        {"1e", 0, 1, 1},   {"1e+", 0, 1, 1},       {"7s", 0, 7, 1},
        {"0x10", 0, 0, 1}, {"-0X1p3", 0, -0.0, 2}, {"0x", 0, 0, 1},
        {" 1", -1, 0, 0},  {"+ 1", -1, 0, 0},      {"inf", -1, 0, 0},
        {"nan", -1, 0, 0}, {".", -1, 0, 0},        {"-", -1, 0, 0},
        {"", -1, 0, 0},    {"e5", -1, 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        double v = 99;
        char *end = NULL;
        int rc = numfmt_read(cases[i].s, &v, &end);
        CHECK_INT_EQ(rc, cases[i].rc);
        CHECK(v == cases[i].v);
        CHECK_INT_EQ((long)(end - cases[i].s), (long)cases[i].len);
    }
    double v;
    char *end;
    CHECK_INT_EQ(numfmt_read("1e999", &v, &end), 0);
    CHECK_INT_EQ(errno, ERANGE);
}

int main(void)
{
    test_known();
    test_against_printf();
    test_real();
    test_read();
    return check_exit("test-numfmt");
}
