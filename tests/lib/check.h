/* SPDX-License-Identifier: MIT */
/* Minimal test assertions for the unit tests (libuv ASSERT_EQ, jansson
 * failhdr): each failed check prints both values and file:line, counts a
 * failure and lets the test go on; check_exit() turns the count into the
 * exit status automake expects (0 pass, 1 fail, 77 skip). */
#ifndef TESTS_LIB_CHECK_H
#define TESTS_LIB_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                          \
    do {                                                                     \
        check_count++;                                                       \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, \
                    #cond);                                                  \
            check_failures++;                                                \
        }                                                                    \
    } while (0)

#define CHECK_INT_EQ(a, b)                                                   \
    do {                                                                     \
        intmax_t check_a_ = (intmax_t)(a), check_b_ = (intmax_t)(b);         \
        check_count++;                                                       \
        if (check_a_ != check_b_) {                                          \
            fprintf(stderr, "%s:%d: %s == %s: %jd != %jd\n", __FILE__,       \
                    __LINE__, #a, #b, check_a_, check_b_);                   \
            check_failures++;                                                \
        }                                                                    \
    } while (0)

#define CHECK_STR_EQ(a, b)                                                   \
    do {                                                                     \
        const char *check_a_ = (a), *check_b_ = (b);                         \
        check_count++;                                                       \
        if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) {    \
            fprintf(stderr, "%s:%d: %s == %s: \"%s\" != \"%s\"\n", __FILE__, \
                    __LINE__, #a, #b, check_a_ ? check_a_ : "(null)",        \
                    check_b_ ? check_b_ : "(null)");                         \
            check_failures++;                                                \
        }                                                                    \
    } while (0)

/* Context for table-driven cases: prints the row name on failure. */
#define CHECK_CASE(name, cond)                                               \
    do {                                                                     \
        check_count++;                                                       \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: case \"%s\": %s failed\n", __FILE__,     \
                    __LINE__, (name), #cond);                                \
            check_failures++;                                                \
        }                                                                    \
    } while (0)

/* The directory of the shared reference material (EXTENSIONS.md and
 * stac-examples/): $STACML_SHARED, else $top_srcdir/../shared. Returns a
 * static buffer, or NULL when it does not exist. */
static inline const char *check_shared_dir(void)
{
    static char path[4096];
    const char *env = getenv("STACML_SHARED");
    const char *top = getenv("top_srcdir");
    if (env && *env)
        snprintf(path, sizeof(path), "%s", env);
    else
        snprintf(path, sizeof(path), "%s/../shared", top ? top : ".");
    FILE *f;
    char probe[4200];
    snprintf(probe, sizeof(probe), "%s/stac-examples/MANIFEST.md", path);
    f = fopen(probe, "r");
    if (!f)
        return NULL;
    fclose(f);
    return path;
}

/* Read a whole file into new memory (caller frees); NULL on error. */
static inline char *check_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *p = malloc(cap);
    size_t r;
    while (p && (r = fread(p + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (cap - n - 1 == 0) {
            char *q = realloc(p, cap * 2);
            if (!q) {
                free(p);
                p = NULL;
                break;
            }
            p = q;
            cap *= 2;
        }
    }
    fclose(f);
    if (p) {
        p[n] = '\0';
        if (len)
            *len = n;
    }
    return p;
}

/* Print a summary line and return the exit status for automake. */
static inline int check_exit(const char *name)
{
    fprintf(stderr, "%s: %d checks, %d failed\n", name, check_count,
            check_failures);
    return check_failures ? 1 : 0;
}

#endif
