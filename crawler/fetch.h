/* SPDX-License-Identifier: MIT */
/* The glue between one libuv loop and one libcurl multi handle, driven by
 * the multi *socket* interface (curl's docs/examples/multi-uv.c pattern):
 * uv_poll watches the sockets libcurl asks for, one uv_timer carries
 * libcurl's timeout, and nothing ever polls in a loop. */
#ifndef CRAWLER_FETCH_H
#define CRAWLER_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

struct fetcher;

struct fetch_options {
    const char *user_agent;
    size_t max_doc_size;     /* bytes, after decompression */
    long connect_timeout_ms; /* connection phase */
    long stall_timeout_s;    /* abort when < 1 byte/s for this long */
    long timeout_ms;         /* whole transfer, 0 = none */
    long max_redirects;
    int max_connections; /* transfers at once: sizes the idle cache */
    bool insecure;       /* no TLS verification */
    const char *cacert;  /* CA certificates to trust (PEM file), or NULL */
    const char *capath;  /* directory of CA certificates, or NULL */
    bool netrc;          /* credentials from ~/.netrc, where listed */
    bool no_private;     /* refuse loopback, private, link-local addresses */
};

/* What became of one transfer. Valid only during the done callback. */
struct fetch_result {
    const char *url;       /* as requested */
    const char *final_url; /* after redirects: the base for relative links */
    int rc;                /* 0 or SM_E_NET/SM_E_HTTP/SM_E_TOOBIG/... */
    long http_status;      /* 0 for file:// or no response */
    const char *reason;    /* failure text, "" on success */
    const char *body;      /* NUL-terminated */
    size_t body_len;
    const char *etag;          /* NULL if absent */
    const char *last_modified; /* NULL if absent */
    const char *retry_after;   /* NULL if absent */
    int redirects;             /* followed */
    /* hand_back_redirects: the normalised target of the 3xx received (rc
     * is then 0), NULL otherwise. */
    const char *redirect_to;
    double seconds;
};

/* Called once per started transfer, on the loop thread, outside any libcurl
 * callback, so it may start new transfers. */
typedef void (*fetch_done_cb)(void *ctx, void *data,
                              const struct fetch_result *res);

/* Create a fetcher on loop. Returns 0 and *out, or SM_E_NET / SM_E_LOOP.
 * The options are copied. */
int fetcher_new(uv_loop_t *loop, const struct fetch_options *opt,
                fetch_done_cb cb, void *ctx, struct fetcher **out);

/* What to send beyond a plain GET. All fields may be NULL. */
struct fetch_request {
    const char *method;         /* "GET" (default) or "POST" */
    const char *body;           /* POST body, sent as application/json */
    const char *const *headers; /* "Name: value" lines, NULL-terminated */
    /* Credential headers: sent only while the request stays on the host
     * of the URL it was started with, never after a redirect elsewhere. */
    const char *const *credentials;
    /* A 3xx is not followed: the result carries its target (redirect_to)
     * for the caller to queue as a request of its own, so that the
     * target's host gets its robots.txt, spacing and credentials. */
    bool hand_back_redirects;
    /* Not 0: keep the first prefix_max bytes of a larger body and end the
     * transfer there as a success (robots.txt: RFC 9309 parses the first
     * 500 KiB or more), whatever --max-doc-size says. */
    size_t prefix_max;
};

/* Start fetching url; data comes back in the done callback. A file:// URL
 * is allowed only when allow_file is true; redirects never lead to file://.
 * req may be NULL (a GET); its strings are copied. Returns 0 (the callback
 * will run exactly once) or an error (it will not). */
int fetcher_start(struct fetcher *f, const char *url,
                  const struct fetch_request *req, bool allow_file, void *data);

/* Transfers started and not yet finished. */
size_t fetcher_active(const struct fetcher *f);

/* Abort every transfer now: their callbacks run with rc SM_E_INTR.
 * Safe with NULL. */
void fetcher_abort_all(struct fetcher *f);

/* Abort every transfer (their callbacks run with rc SM_E_INTR), close the
 * libuv handles, and free the fetcher once they are closed. The loop must
 * run afterwards for the close callbacks. fetcher_free(NULL) is a no-op. */
void fetcher_free(struct fetcher *f);

#endif
