/* SPDX-License-Identifier: MIT */
/* bench/parse: how fast src/jsonread.c reads JSON against jansson's
 * json_loadb(), file by file, and both trees checked equal. Each file is
 * read again and again for at least 20 ms by each reader; prints a line per
 * file (bytes, microseconds per read by each, the ratio) and the totals.
 *
 *   make bench-parse      (the shared stac-examples documents)
 *   bench/parse FILE...   (any JSON files; invalid ones are skipped)
 */
#include <config.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/jsonread.h"

#define MIN_SECONDS 0.02

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, r;
    char *p = malloc(cap);
    while (p && (r = fread(p + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *q = realloc(p, cap *= 2);
            if (!q) {
                free(p);
                p = NULL;
            }
            p = q;
        }
    }
    fclose(f);
    *len = n;
    return p;
}

/* Seconds per read of text by one reader. */
static double time_reads(const char *text, size_t len, bool fast)
{
    long n = 0;
    double t0 = now(), t;
    do {
        json_error_t err;
        json_t *v = fast ? jsonread_fast(text, len, true)
                         : json_loadb(text, len, JSON_ALLOW_NUL, &err);
        json_decref(v);
        n++;
    } while ((t = now() - t0) < MIN_SECONDS);
    return t / (double)n;
}

int main(int argc, char **argv)
{
    double total[2] = {0, 0};
    size_t bytes = 0, files = 0, given_up = 0;
    printf("%10s %12s %12s %7s  file\n", "bytes", "jansson us", "jsonread us",
           "ratio");
    for (int i = 1; i < argc; i++) {
        size_t len = 0;
        char *text = slurp(argv[i], &len);
        json_error_t err;
        json_t *want =
            text ? json_loadb(text, len, JSON_ALLOW_NUL, &err) : NULL;
        json_t *got = want ? jsonread_fast(text, len, true) : NULL;
        if (want && (!got || !json_equal(want, got))) {
            given_up += got == NULL;
            if (got) {
                fprintf(stderr, "parse: %s: trees differ\n", argv[i]);
                return 1;
            }
        }
        if (want && got) {
            double slow = time_reads(text, len, false);
            double fast = time_reads(text, len, true);
            printf("%10zu %12.2f %12.2f %7.2f  %s\n", len, slow * 1e6,
                   fast * 1e6, slow / fast, argv[i]);
            total[0] += slow;
            total[1] += fast;
            bytes += len;
            files++;
        }
        json_decref(want);
        json_decref(got);
        free(text);
    }
    if (files)
        printf("%zu files, %zu bytes: jansson %.1f MB/s, jsonread %.1f MB/s, "
               "%.2f times faster; %zu left to jansson\n",
               files, bytes, (double)bytes / total[0] / 1e6,
               (double)bytes / total[1] / 1e6, total[0] / total[1], given_up);
    return 0;
}
