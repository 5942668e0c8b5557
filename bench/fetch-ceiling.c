/* SPDX-License-Identifier: MIT */
/* fetch-ceiling: the fetch ceiling of the stacml benchmark. Downloads every
 * URL of a list (paths appended to a base URL) with libcurl's multi
 * interface, at most C transfers in flight and at most P connections per
 * host, keep-alive, Accept-Encoding: gzip; bodies are decoded and counted,
 * never parsed or kept. Prints one JSON object:
 *
 *   {"documents": N, "failed": F, "bytes": DECODED, "wire_bytes": BODY,
 *    "seconds": WALL, "concurrency": C, "per_host": P}
 *
 * Build (bench/run.sh does it):
 *   cc -O2 -o fetch-ceiling fetch-ceiling.c \
 *      $(pkg-config --cflags --libs libcurl)
 * Usage: fetch-ceiling [-c C] [-p P] [-n MAX] BASE_URL LIST_FILE
 */
#define _POSIX_C_SOURCE 200809L
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct xfer {
    CURL *easy;
    char *url;
    curl_off_t bytes;
};

static size_t on_write(char *p, size_t size, size_t n, void *data)
{
    (void)p;
    ((struct xfer *)data)->bytes += (curl_off_t)(size * n);
    return size * n;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        fprintf(stderr, "fetch-ceiling: out of memory\n");
        exit(2);
    }
    return p;
}

static char **read_list(const char *path, const char *base, size_t max,
                        size_t *count)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f) {
        perror(path);
        exit(2);
    }
    size_t n = 0, cap = 1024;
    char **v = xrealloc(NULL, cap * sizeof(*v));
    char *line = NULL;
    size_t len = 0;
    ssize_t got;
    size_t blen = strlen(base);
    int slash = blen > 0 && base[blen - 1] == '/';
    while ((got = getline(&line, &len, f)) != -1 && (max == 0 || n < max)) {
        while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
            line[--got] = '\0';
        if (got == 0 || line[0] == '#')
            continue;
        if (n == cap) {
            cap *= 2;
            v = xrealloc(v, cap * sizeof(*v));
        }
        const char *rel = line;
        if (slash && rel[0] == '/')
            rel++;
        size_t ulen = blen + 1 + strlen(rel) + 1;
        v[n] = xrealloc(NULL, ulen);
        if (strstr(rel, "://"))
            snprintf(v[n], ulen, "%s", rel);
        else
            snprintf(v[n], ulen, "%s%s%s", base,
                     slash || rel[0] == '/' ? "" : "/", rel);
        n++;
    }
    free(line);
    if (f != stdin)
        fclose(f);
    *count = n;
    return v;
}

static void start(CURLM *multi, struct xfer *x, char *url)
{
    CURL *e = x->easy;
    curl_easy_reset(e);
    x->url = url;
    x->bytes = 0;
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, x);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "gzip");
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, 30L);
    curl_multi_add_handle(multi, e);
}

static void usage(void)
{
    fprintf(stderr,
            "usage: fetch-ceiling [-c CONCURRENCY] [-p PER_HOST] [-n MAX] "
            "BASE_URL LIST_FILE\n");
    exit(2);
}

int main(int argc, char **argv)
{
    long conc = 8, per_host = 8;
    size_t max = 0;
    int opt, verbose = 0;
    while ((opt = getopt(argc, argv, "c:p:n:v")) != -1) {
        switch (opt) {
        case 'c':
            conc = strtol(optarg, NULL, 10);
            break;
        case 'p':
            per_host = strtol(optarg, NULL, 10);
            break;
        case 'n':
            max = (size_t)strtoull(optarg, NULL, 10);
            break;
        case 'v':
            verbose = 1;
            break;
        default:
            usage();
        }
    }
    if (argc - optind != 2 || conc < 1 || per_host < 1)
        usage();
    size_t n;
    char **urls = read_list(argv[optind + 1], argv[optind], max, &n);

    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURLM *multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, per_host);
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, conc);
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, conc);
    curl_multi_setopt(multi, CURLMOPT_PIPELINING, (long)CURLPIPE_NOTHING);

    struct xfer *pool = calloc((size_t)conc, sizeof(*pool));
    struct xfer **idle = calloc((size_t)conc, sizeof(*idle));
    size_t n_idle = 0;
    for (long i = 0; i < conc; i++) {
        pool[i].easy = curl_easy_init();
        idle[n_idle++] = &pool[i];
    }

    size_t next = 0, ok = 0, failed = 0;
    curl_off_t bytes = 0, wire = 0;
    double t0 = now();
    int running = 0;
    for (;;) {
        while (n_idle > 0 && next < n)
            start(multi, idle[--n_idle], urls[next++]);
        CURLMcode mc = curl_multi_perform(multi, &running);
        if (mc != CURLM_OK) {
            fprintf(stderr, "curl_multi_perform: %s\n",
                    curl_multi_strerror(mc));
            return 1;
        }
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(multi, &left)) != NULL) {
            if (m->msg != CURLMSG_DONE)
                continue;
            struct xfer *x;
            long code = 0;
            curl_off_t dl = 0;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
            curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &code);
            curl_easy_getinfo(m->easy_handle, CURLINFO_SIZE_DOWNLOAD_T, &dl);
            if (m->data.result == CURLE_OK && code >= 200 && code < 300) {
                ok++;
                bytes += x->bytes;
                wire += dl;
            } else {
                failed++;
                if (verbose || failed <= 5)
                    fprintf(stderr, "fetch-ceiling: %s: %s (HTTP %ld)\n",
                            x->url, curl_easy_strerror(m->data.result), code);
            }
            curl_multi_remove_handle(multi, m->easy_handle);
            idle[n_idle++] = x;
        }
        if (next >= n && n_idle == (size_t)conc)
            break;
        if (n_idle > 0 && next < n)
            continue;
        curl_multi_poll(multi, NULL, 0, 1000, NULL);
    }
    double secs = now() - t0;
    printf("{\"documents\": %zu, \"failed\": %zu, \"bytes\": "
           "%" CURL_FORMAT_CURL_OFF_T
           ", \"wire_bytes\": %" CURL_FORMAT_CURL_OFF_T
           ", \"seconds\": %.6f, \"concurrency\": %ld, \"per_host\": %ld}\n",
           ok, failed, bytes, wire, secs, conc, per_host);
    for (long i = 0; i < conc; i++)
        curl_easy_cleanup(pool[i].easy);
    curl_multi_cleanup(multi);
    curl_global_cleanup();
    for (size_t i = 0; i < n; i++)
        free(urls[i]);
    free(urls);
    free(pool);
    free(idle);
    return failed ? 1 : 0;
}
