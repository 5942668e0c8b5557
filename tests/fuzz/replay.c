/* SPDX-License-Identifier: MIT */
/* Without --enable-fuzzing, each fuzz target links this main() and becomes
 * an ordinary test: it feeds every file of tests/fuzz/corpus/<target>/ and
 * tests/fuzz/repro/<target>/ to LLVMFuzzerTestOneInput (wget2's replay).
 * Arguments, when given, are extra files or directories to replay. */
#include <config.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return -1;
    }
    size_t cap = 1 << 16, n = 0, r;
    uint8_t *p = malloc(cap);
    while (p && (r = fread(p + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            uint8_t *q = realloc(p, cap * 2);
            if (!q)
                break;
            p = q;
            cap *= 2;
        }
    }
    fclose(f);
    if (!p)
        return -1;
    /* Copy into an exact-size block so ASan sees reads past the input. */
    uint8_t *exact = malloc(n ? n : 1);
    if (exact) {
        memcpy(exact, p, n);
        LLVMFuzzerTestOneInput(exact, n);
        free(exact);
    }
    free(p);
    return 0;
}

static int replay_path(const char *path, int *count)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0; /* an absent directory (e.g. no repro yet) is fine */
    if (!S_ISDIR(st.st_mode)) {
        (*count)++;
        return replay_file(path);
    }
    DIR *d = opendir(path);
    if (!d)
        return -1;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char sub[4096];
        snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
        if (replay_path(sub, count) != 0)
            rc = -1;
    }
    closedir(d);
    return rc;
}

int main(int argc, char **argv)
{
    int count = 0, rc = 0;
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            rc |= replay_path(argv[i], &count);
    } else {
        const char *top = getenv("top_srcdir");
        char dir[4096];
        snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", top ? top : ".",
                 FUZZ_TARGET);
        rc |= replay_path(dir, &count);
        snprintf(dir, sizeof(dir), "%s/tests/fuzz/repro/%s", top ? top : ".",
                 FUZZ_TARGET);
        rc |= replay_path(dir, &count);
    }
    fprintf(stderr, "fuzz-%s: replayed %d inputs\n", FUZZ_TARGET, count);
    if (count == 0) {
        fprintf(stderr, "fuzz-%s: empty corpus\n", FUZZ_TARGET);
        return 1;
    }
    return rc ? 1 : 0;
}
