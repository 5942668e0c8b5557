/* SPDX-License-Identifier: MIT */
/* libuv <-> libcurl multi socket glue. One struct fetch per transfer, owned
 * here from curl_multi_add_handle until its CURLMSG_DONE is handled. Easy
 * handles are kept in a small pool and reused, since setting one up costs
 * more than a small document takes to fetch from a nearby server. */
#include <config.h>

#include <arpa/inet.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <curl/curl.h>

#include "crawler/fetch.h"
#include "crawler/headers.h"
#include "src/buf.h"
#include "src/err.h"
#include "src/log.h"
#include "src/url.h"
#include "src/xalloc.h"

#define POOL_MAX 64
/* Idle connections kept at least (each a socket, and for TLS some tens of
 * KB): one per host of a crawl of that many hosts at once. */
#define IDLE_CONNECTIONS 128L

/* Which protocols a transfer's handle allows; set anew only when they
 * change. */
enum fetch_protocols { PROTOCOLS_UNSET, PROTOCOLS_HTTP, PROTOCOLS_FILE };

struct fetch {
    struct fetcher *owner;
    CURL *easy;
    void *data;
    char *url;       /* as requested */
    char *cur_url;   /* after the redirects followed so far */
    char *cred_host; /* host key the credentials belong to */
    bool has_opts;   /* fetch_setopts() done on easy */
    bool allow_file;
    enum fetch_protocols protocols; /* CURLOPT_PROTOCOLS_STR as last set */
    bool is_post;
    bool hand_back;    /* redirects go back to the caller */
    char *redirect_to; /* hand_back: the target of the 3xx received */
    int redirects;
    char *body_text; /* POST body */
    char **extra;    /* request headers (API), kept across redirects */
    char **creds;    /* credential headers, only for cred_host */
    struct buf body;
    bool too_big;
    size_t prefix_max; /* see fetch_request */
    bool is_cut;       /* the body was cut at prefix_max */
    bool size_unbound; /* CURLOPT_MAXFILESIZE lifted for a prefix */
    bool is_private;   /* refused: the address is private (--no-private) */
    bool is_stalled;   /* aborted: no byte for stall_timeout_s */
    bool is_raw;       /* asked again offering and decoding no coding */
    uint64_t last_progress_ms;      /* when a byte last arrived */
    struct headers kept;            /* ETag, Last-Modified, Retry-After */
    struct curl_slist *req_headers; /* this request's own headers */
    const char *proxy; /* CURLOPT_PROXY as last set (the fetcher's) */
    /* --no-private, this hop: its host is a private address, or it goes
     * for certain through a proxy (whose address is the user's choice). */
    bool is_private_host;
    bool is_proxied;
    char errbuf[CURL_ERROR_SIZE];
    struct fetch *next; /* pool link, or active list link */
    struct fetch *prev; /* active list link */
};

/* One socket libcurl opened, from its opening to its closing. Its poll
 * outlives each transfer on it: libcurl removes a kept-alive connection's
 * socket after every response and asks for it again with the next
 * request, and libuv's uv_poll_start() and uv_close() each cost epoll_ctl
 * calls, several per document. So a removed socket stays polled for what
 * it was (an idle connection is quiet) until it is closed, or until it
 * reports an event nobody wants. */
struct sock_ctx {
    uv_poll_t poll;
    curl_socket_t fd;
    struct fetcher *owner;
    int events;   /* UV_READABLE/UV_WRITABLE being polled for */
    bool wanted;  /* libcurl watches it (not removed since) */
    bool is_ours; /* opened through on_curl_open(): we hear of its close */
};

/* The environment's proxy settings, read once, as libcurl would read them
 * for each request (see proxy_env_read()). "" is no proxy. */
struct proxy_env {
    char *http, *https, *no_proxy;
};

struct fetcher {
    uv_loop_t *loop;
    CURLM *multi;
    uv_timer_t timer;
    uv_timer_t watchdog;  /* the stall timeout, while transfers run */
    uint64_t watchdog_ms; /* when the watchdog last ran (or was armed) */
    int open_handles;     /* closed by fetcher_free() before freeing */
    struct fetch_options opt;
    char *user_agent;
    char *cacert, *capath;  /* copies of the options' */
    struct proxy_env proxy; /* the environment's proxy settings */
    fetch_done_cb cb;
    void *ctx;
    size_t active;
    struct fetch *active_list; /* transfers in flight, for abort */
    struct curl_slist *headers;
    struct fetch *pool;
    size_t pool_n;
    struct sock_ctx **socks; /* by fd: the sockets libcurl has open */
    size_t n_socks;
    bool closing;
    bool due_now; /* libcurl asked to be called at once */
};

static void check_multi_info(struct fetcher *f);
/* A reply that does not start as HTTP does, on a connection kept from an
 * earlier reply: its first bytes may be that reply's, written past its end
 * by a broken server, so a new connection may well bring the document. */
static bool is_stray_on_kept(struct fetch *x, CURLcode cc)
{
    long connects = 1;
    if (cc != CURLE_WEIRD_SERVER_REPLY && cc != CURLE_UNSUPPORTED_PROTOCOL)
        return false;
    curl_easy_getinfo(x->easy, CURLINFO_NUM_CONNECTS, &connects);
    return connects == 0;
}

static void fetch_result_fill(struct fetch *x, CURLcode cc,
                              struct fetch_result *r, char *rbuf, size_t n);

/* The loop's time: the stall watchdog counts in seconds, and the callbacks
 * that note progress run several times per document, so the clock read
 * once per loop iteration is precise enough and costs nothing. */
static uint64_t now_ms(const struct fetcher *f)
{
    return uv_now(f->loop);
}

static void on_sock_closed(uv_handle_t *h)
{
    free(h->data);
}

/* Let libcurl act on a socket (or on its timeouts), then hand over what
 * finished. The transfers those completions start are due at once: run
 * them now, so that the next request goes out in this loop iteration
 * rather than the next one (a few rounds at most, for fairness to the
 * other sockets). */
static void act(struct fetcher *f, curl_socket_t s, int flags)
{
    int running;
    curl_multi_socket_action(f->multi, s, flags, &running);
    check_multi_info(f);
    for (int round = 0; round < 4 && f->due_now && !f->closing; round++) {
        f->due_now = false;
        curl_multi_socket_action(f->multi, CURL_SOCKET_TIMEOUT, 0, &running);
        check_multi_info(f);
    }
}

static void on_uv_poll(uv_poll_t *poll, int status, int events)
{
    struct sock_ctx *sc = poll->data;
    struct fetcher *f = sc->owner;
    int flags = 0;
    if (!sc->wanted) {
        /* An idle connection closed by the server, most likely: libcurl
         * finds out when it next uses it; stop hearing about it. */
        uv_poll_stop(&sc->poll);
        sc->events = 0;
        return;
    }
    /* An error on the socket: a reset, most often. Handing libcurl
     * CURL_CSELECT_IN|OUT instead would name it better, but makes libcurl
     * resend the request on another pooled connection, several times for a
     * server that resets: less polite. fetch_result() words the failure. */
    if (status < 0)
        flags = CURL_CSELECT_ERR;
    if (events & UV_READABLE)
        flags |= CURL_CSELECT_IN;
    if (events & UV_WRITABLE)
        flags |= CURL_CSELECT_OUT;
    act(f, sc->fd, flags);
}

static struct sock_ctx *sock_find(struct fetcher *f, curl_socket_t s)
{
    return s >= 0 && (size_t)s < f->n_socks ? f->socks[s] : NULL;
}

/* Forget the socket's poll (the fd is about to be closed, or was closed
 * behind our back and now names another socket). */
static void sock_forget(struct fetcher *f, curl_socket_t s)
{
    struct sock_ctx *sc = sock_find(f, s);
    if (!sc)
        return;
    f->socks[s] = NULL;
    uv_close((uv_handle_t *)&sc->poll, on_sock_closed);
}

static struct sock_ctx *sock_new(struct fetcher *f, curl_socket_t s)
{
    if ((size_t)s >= f->n_socks) {
        size_t n = f->n_socks ? f->n_socks : 64;
        while (n <= (size_t)s)
            n *= 2;
        f->socks = xrealloc(f->socks, n * sizeof(*f->socks));
        memset(f->socks + f->n_socks, 0, (n - f->n_socks) * sizeof(*f->socks));
        f->n_socks = n;
    }
    struct sock_ctx *sc = xcalloc(1, sizeof(*sc));
    sc->fd = s;
    sc->owner = f;
    if (uv_poll_init_socket(f->loop, &sc->poll, s) != 0) {
        free(sc);
        return NULL;
    }
    sc->poll.data = sc;
    f->socks[s] = sc;
    return sc;
}

static int on_curl_socket(CURL *easy, curl_socket_t s, int action, void *userp,
                          void *socketp)
{
    struct fetcher *f = userp;
    struct sock_ctx *sc = sock_find(f, s);
    int events = 0;

    if (action == CURL_POLL_REMOVE) {
        /* Only a connection we opened may stay polled: libcurl closes its
         * other descriptors (the threaded resolver's socket pair) without
         * a word, and libuv aborts on a watched fd that was closed. */
        if (sc && !sc->is_ours)
            sock_forget(f, s);
        else if (sc)
            sc->wanted = false;
        return 0;
    }
    if (!sc && (sc = sock_new(f, s)) == NULL)
        return -1;
    sc->wanted = true;
    if (action == CURL_POLL_IN || action == CURL_POLL_INOUT)
        events |= UV_READABLE;
    if (action == CURL_POLL_OUT || action == CURL_POLL_INOUT)
        events |= UV_WRITABLE;
    if (events != sc->events) {
        uv_poll_start(&sc->poll, events, on_uv_poll);
        sc->events = events;
    }
    return 0;
}

/* libcurl opens and closes its sockets through these two, so that a poll
 * never outlives its fd nor sees its number reused by another socket. */
static curl_socket_t on_curl_open(void *clientp, curlsocktype purpose,
                                  struct curl_sockaddr *addr)
{
    struct fetcher *f = clientp;
    if (purpose != CURLSOCKTYPE_IPCXN)
        return CURL_SOCKET_BAD;
    curl_socket_t s =
        socket(addr->family, addr->socktype | SOCK_CLOEXEC, addr->protocol);
    if (s == CURL_SOCKET_BAD)
        return s;
    sock_forget(f, s); /* a stale entry: closed without us */
    struct sock_ctx *sc = sock_new(f, s);
    if (!sc) {
        close(s);
        return CURL_SOCKET_BAD;
    }
    sc->is_ours = true;
    return s;
}

static int on_curl_close(void *clientp, curl_socket_t s)
{
    sock_forget(clientp, s);
    return close(s);
}

static void on_uv_timer(uv_timer_t *t)
{
    struct fetcher *f = t->data;
    f->due_now = false;
    act(f, CURL_SOCKET_TIMEOUT, 0);
}

static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
    struct fetcher *f = userp;
    f->due_now = timeout_ms == 0;
    if (timeout_ms < 0) {
        uv_timer_stop(&f->timer);
        return 0;
    }
    /* 0 means "act now", but socket_action must not be called from within
     * this callback: act() does it when the callback was reached from
     * there, and otherwise the loop calls us back on its next iteration. */
    uv_timer_start(&f->timer, on_uv_timer, (uint64_t)timeout_ms, 0);
    return 0;
}

static size_t on_curl_write(char *ptr, size_t size, size_t n, void *userp)
{
    struct fetch *x = userp;
    size_t len = size * n;
    x->last_progress_ms = now_ms(x->owner);
    if (x->prefix_max && x->body.len + len > x->prefix_max) {
        buf_append(&x->body, ptr, x->prefix_max - x->body.len);
        x->is_cut = true;
        return 0; /* ends the transfer; fetch_result() calls it done */
    }
    if (buf_append(&x->body, ptr, len) != 0) {
        x->too_big = true;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    return len;
}

static size_t on_curl_header(char *ptr, size_t size, size_t n, void *userp)
{
    struct fetch *x = userp;
    size_t len = size * n;
    x->last_progress_ms = now_ms(x->owner);
    headers_read_line(&x->kept, ptr, len);
    return len;
}

/* An environment variable as libcurl's curl_getenv() reads it: an empty
 * one is not there. */
static char *env_value(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? xstrdup(v) : NULL;
}

static char *env_first(const char *a, const char *b, const char *otherwise)
{
    char *v = env_value(a);
    if (!v && b)
        v = env_value(b);
    return v ? v : xstrdup(otherwise);
}

/* A transfer with no CURLOPT_PROXY and no CURLOPT_NOPROXY makes libcurl
 * read the environment again, up to six getenv() calls with names printed
 * for the scheme, at every request. Setting what it would find there gives
 * the same answers at a fraction of the cost. Its rules (url.c): no_proxy,
 * else NO_PROXY; for http, http_proxy (never HTTP_PROXY, which a CGI
 * program could have been handed by a client); for https, https_proxy,
 * else HTTPS_PROXY; for both, all_proxy, else ALL_PROXY, at last. */
static void proxy_env_read(struct proxy_env *p)
{
    char *all = env_first("all_proxy", "ALL_PROXY", "");
    p->http = env_first("http_proxy", NULL, all);
    p->https = env_first("https_proxy", "HTTPS_PROXY", all);
    p->no_proxy = env_first("no_proxy", "NO_PROXY", "");
    free(all);
}

static void proxy_env_free(struct proxy_env *p)
{
    free(p->http);
    free(p->https);
    free(p->no_proxy);
}

/* The header offering the encodings this libcurl decodes, as
 * CURLOPT_ACCEPT_ENCODING "" would offer them; false if it decodes none. */
static bool accept_encoding(char *out, size_t n)
{
    const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
    snprintf(out, n, "Accept-Encoding:%s%s%s",
             v->features & CURL_VERSION_LIBZ ? " deflate, gzip," : "",
             v->features & CURL_VERSION_BROTLI ? " br," : "",
             v->features & CURL_VERSION_ZSTD ? " zstd," : "");
    size_t len = strlen(out);
    if (out[len - 1] != ',')
        return false;
    out[len - 1] = '\0';
    return true;
}

/* The headers of every request. User-Agent and Accept-Encoding are sent
 * as headers of our own rather than through CURLOPT_USERAGENT and
 * CURLOPT_ACCEPT_ENCODING's header: libcurl prints those two afresh for
 * every request (about 11,000 instructions), and copies ours as they are.
 * CURLOPT_ACCEPT_ENCODING stays set, for it is what turns decoding on. */
static struct curl_slist *shared_headers(const char *user_agent)
{
    char line[256];
    struct curl_slist *h = NULL;
    if (*user_agent) {
        char *ua = xasprintf("User-Agent: %s", user_agent);
        h = curl_slist_append(h, ua);
        free(ua);
    }
    h = curl_slist_append(h, "Accept: application/json, "
                             "application/geo+json;q=0.9, */*;q=0.1");
    if (accept_encoding(line, sizeof(line)))
        h = curl_slist_append(h, line);
    return h;
}

static void fetcher_free_strings(struct fetcher *f)
{
    free(f->user_agent);
    free(f->cacert);
    free(f->capath);
}

int fetcher_new(uv_loop_t *loop, const struct fetch_options *opt,
                fetch_done_cb cb, void *ctx, struct fetcher **out)
{
    struct fetcher *f = xcalloc(1, sizeof(*f));
    f->loop = loop;
    f->opt = *opt;
    f->user_agent = xstrdup(opt->user_agent ? opt->user_agent : "stacml");
    f->opt.user_agent = f->user_agent;
    f->cacert = opt->cacert ? xstrdup(opt->cacert) : NULL;
    f->opt.cacert = f->cacert;
    f->capath = opt->capath ? xstrdup(opt->capath) : NULL;
    f->opt.capath = f->capath;
    f->cb = cb;
    f->ctx = ctx;
    f->multi = curl_multi_init();
    if (!f->multi) {
        fetcher_free_strings(f);
        free(f);
        return SM_E_NET;
    }
    int rc = uv_timer_init(loop, &f->timer);
    if (rc != 0) {
        log_error("uv_timer_init: %s", uv_strerror(rc));
        curl_multi_cleanup(f->multi);
        fetcher_free_strings(f);
        free(f);
        return SM_E_LOOP;
    }
    proxy_env_read(&f->proxy);
    f->timer.data = f;
    uv_timer_init(loop, &f->watchdog);
    f->watchdog.data = f;
    f->open_handles = 2;
    f->headers = shared_headers(f->user_agent);
    curl_multi_setopt(f->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
    curl_multi_setopt(f->multi, CURLMOPT_SOCKETDATA, f);
    curl_multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
    curl_multi_setopt(f->multi, CURLMOPT_TIMERDATA, f);
    /* Transfers at once are the crawler's to bound (--concurrency, and
     * --per-host for each host); idle connections are kept for reuse
     * across the whole crawl, enough of them for every host it turns
     * between: the frontier serves its hosts in turn, and a cap on all
     * open connections made libcurl close each host's idle one to open
     * the next host's, a new connection (a TLS handshake) per request
     * once a crawl spans more hosts than --concurrency. */
    long idle = opt->max_connections > 0 ? opt->max_connections * 2L : 0;
    curl_multi_setopt(f->multi, CURLMOPT_MAXCONNECTS,
                      idle > IDLE_CONNECTIONS ? idle : IDLE_CONNECTIONS);
    *out = f;
    return 0;
}

static struct fetch *fetch_get(struct fetcher *f)
{
    struct fetch *x = f->pool;
    if (x) {
        f->pool = x->next;
        f->pool_n--;
    } else {
        x = xcalloc(1, sizeof(*x));
        x->owner = f;
        x->easy = curl_easy_init();
        if (!x->easy) {
            free(x);
            return NULL;
        }
    }
    x->next = NULL;
    /* A pooled transfer keeps its body buffer: most documents fit in what
     * the previous one grew, so no allocation per document. */
    if (!x->body.data)
        buf_init(&x->body, f->opt.max_doc_size);
    buf_reset(&x->body);
    x->too_big = false;
    x->is_cut = false;
    x->errbuf[0] = '\0';
    return x;
}

static void fetch_release(struct fetcher *f, struct fetch *x)
{
    /* Keep a modest buffer for the next transfer; give back a big one. */
    if (x->body.cap > 256 * 1024 || f->closing)
        buf_cleanup(&x->body);
    free(x->url);
    headers_cleanup(&x->kept);
    free(x->cur_url);
    free(x->cred_host);
    free(x->body_text);
    free(x->redirect_to);
    strv_free(x->extra);
    strv_free(x->creds);
    curl_slist_free_all(x->req_headers);
    x->req_headers = NULL;
    x->extra = x->creds = NULL;
    x->redirect_to = NULL;
    x->cur_url = x->cred_host = x->body_text = x->url = NULL;
    x->redirects = 0;
    x->is_private = false;
    x->is_stalled = false;
    if (x->is_raw) {
        curl_easy_setopt(x->easy, CURLOPT_ACCEPT_ENCODING, "");
        curl_easy_setopt(x->easy, CURLOPT_HTTP_CONTENT_DECODING, 1L);
        x->is_raw = false;
    }
    x->last_progress_ms = 0;
    x->data = NULL;
    if (f->pool_n < POOL_MAX && !f->closing) {
        x->next = f->pool;
        f->pool = x;
        f->pool_n++;
        return;
    }
    buf_cleanup(&x->body);
    curl_easy_cleanup(x->easy);
    free(x);
}

/* --no-private: refuse a connection to a loopback, private or link-local
 * address, after DNS and before any byte of the request is sent. Through
 * a proxy, ip is the proxy's, which the user chose (a corporate proxy on
 * 10.x is common): the target is judged by its host alone, an address or
 * localhost (fetch_check_host()); a name is resolved by the proxy. */
static int on_curl_prereq(void *userp, char *ip, char *local_ip, int port,
                          int local_port)
{
    struct fetch *x = userp;
    if (x->is_private_host || (!x->is_proxied && url_ip_is_private(ip))) {
        x->is_private = true;
        return CURL_PREREQFUNC_ABORT;
    }
    return CURL_PREREQFUNC_OK;
}

/* Options that stay the same for every request of a transfer. Redirects
 * are followed here, not by libcurl, so that credentials never travel to
 * another host and every hop is checked (see fetch_redirect()). */
/* The options that are the same for every transfer of a handle: set once
 * when it is made, and kept while it goes round the pool (curl_easy_reset()
 * and setting them again cost more than a small document's parse). What a
 * transfer sets of its own is in fetch_set_transfer() and fetch_set_hop(). */
static void fetch_setopts(struct fetcher *f, struct fetch *x)
{
    CURL *e = x->easy;
    curl_easy_setopt(e, CURLOPT_PRIVATE, x);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_curl_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_curl_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, f->opt.connect_timeout_ms);
    if (f->opt.timeout_ms > 0)
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, f->opt.timeout_ms);
    /* Refuse early when the server admits the body is too large; the write
     * callback bounds what it does not admit (and decompressed sizes). */
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
                     (curl_off_t)f->opt.max_doc_size);
    curl_easy_setopt(e, CURLOPT_NOPROXY, f->proxy.no_proxy);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_curl_open);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, f);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, on_curl_close);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, f);
    if (f->opt.insecure) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (f->opt.cacert)
        curl_easy_setopt(e, CURLOPT_CAINFO, f->opt.cacert);
    if (f->opt.capath)
        curl_easy_setopt(e, CURLOPT_CAPATH, f->opt.capath);
    if (f->opt.netrc)
        curl_easy_setopt(e, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
    if (f->opt.no_private) {
        curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, on_curl_prereq);
        curl_easy_setopt(e, CURLOPT_PREREQDATA, x);
    }
}

/* The options that differ from one transfer to the next, set when they
 * do (libcurl parses the list of protocols each time it is set). */
static void fetch_set_transfer(struct fetch *x)
{
    /* A prefix is cut by the write callback: a Content-Length past
     * --max-doc-size must not refuse it first. */
    bool unbound = x->prefix_max != 0;
    if (unbound != x->size_unbound) {
        curl_easy_setopt(
            x->easy, CURLOPT_MAXFILESIZE_LARGE,
            (curl_off_t)(unbound ? 0 : x->owner->opt.max_doc_size));
        x->size_unbound = unbound;
    }
    enum fetch_protocols want = x->allow_file ? PROTOCOLS_FILE : PROTOCOLS_HTTP;
    if (x->protocols == want)
        return;
    curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR,
                     want == PROTOCOLS_FILE ? "file" : "http,https");
    x->protocols = want;
}

/* Whether one of the "Name: value" lines of v names the header of line,
 * which a request's own headers then replace. */
static bool strv_has_header(char *const *v, const char *line)
{
    size_t len = strcspn(line, ":");
    for (size_t i = 0; v && v[i]; i++)
        if (strncasecmp(v[i], line, len) == 0 && v[i][len] == ':')
            return true;
    return false;
}

/* Whether the entry of no_proxy that starts at e (n bytes) may exempt
 * host from the proxy. Looser than libcurl's own match, never stricter:
 * a host it might exempt is connected to directly, and its address is
 * checked then. */
static bool no_proxy_may_match(const char *e, size_t n, const char *host,
                               bool host_is_ip)
{
    while (n > 0 && *e == '.') {
        e++;
        n--;
    }
    if (n == 0)
        return false;
    if ((n == 1 && *e == '*') || (host_is_ip && memchr(e, '/', n)))
        return true;
    size_t h = strlen(host);
    if (h > 0 && host[h - 1] == '.')
        h--; /* "example.org." is example.org */
    return h >= n && strncasecmp(host + h - n, e, n) == 0 &&
           (h == n || host[h - n - 1] == '.');
}

/* Whether host may be exempt from the proxy by no_proxy. */
static bool no_proxy_may_exempt(const char *no_proxy, const char *host,
                                bool host_is_ip)
{
    const char *p = no_proxy;
    while (*p) {
        size_t n = strcspn(p, ", \t");
        if (no_proxy_may_match(p, n, host, host_is_ip))
            return true;
        p += n;
        p += strspn(p, ", \t");
    }
    return false;
}

/* --no-private, at every hop: whether the host of x->cur_url is a private
 * address or localhost, and whether the request goes through a proxy for
 * certain (proxy is the one set for it). A host that cannot be read is
 * private: refused. */
static void fetch_check_host(struct fetcher *f, struct fetch *x,
                             const char *proxy)
{
    char *host = NULL;
    CURLU *u = curl_url();
    x->is_private_host = true;
    x->is_proxied = false;
    if (!u || curl_url_set(u, CURLUPART_URL, x->cur_url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        curl_url_cleanup(u);
        return;
    }
    curl_url_cleanup(u);
    size_t n = strlen(host);
    /* An IPv6 literal comes in brackets. */
    char *bare =
        n > 2 && host[0] == '[' ? xstrndup(host + 1, n - 2) : xstrdup(host);
    curl_free(host);
    n = strlen(bare);
    if (n > 1 && bare[n - 1] == '.')
        bare[n - 1] = '\0'; /* "localhost." and "127.0.0.1." are the same */
    struct in6_addr a;
    bool is_ip =
        inet_pton(AF_INET, bare, &a) == 1 || inet_pton(AF_INET6, bare, &a) == 1;
    n = strlen(bare);
    bool is_localhost =
        strcasecmp(bare, "localhost") == 0 ||
        (n > 10 && strcasecmp(bare + n - 10, ".localhost") == 0);
    x->is_private_host = is_localhost || (is_ip && url_ip_is_private(bare));
    x->is_proxied =
        proxy && *proxy && !no_proxy_may_exempt(f->proxy.no_proxy, bare, is_ip);
    free(bare);
}

/* The options of one hop: URL, method and the headers for its host. */
static bool is_accept_encoding(const char *line)
{
    return strncasecmp(line, "Accept-Encoding:", 16) == 0;
}

static void fetch_set_hop(struct fetcher *f, struct fetch *x)
{
    CURL *e = x->easy;
    curl_easy_setopt(e, CURLOPT_URL, x->cur_url);
    bool is_https = url_scheme_of(x->cur_url) == URL_SCHEME_HTTPS;
    /* Waiting for a connection to multiplex on pays over TLS, where HTTP/2
     * may be offered. Over plain HTTP there is none (HTTP/1.1 only), and
     * against a server that closes each connection after its answer every
     * transfer waited for the one being opened: --per-host 4 became one
     * request at a time. */
    curl_easy_setopt(e, CURLOPT_PIPEWAIT, is_https ? 1L : 0L);
    const char *proxy = is_https ? f->proxy.https : f->proxy.http;
    if (x->proxy != proxy) { /* a string option costs a copy: only anew */
        curl_easy_setopt(e, CURLOPT_PROXY, proxy);
        x->proxy = proxy;
    }
    if (f->opt.no_private)
        fetch_check_host(f, x, proxy);
    curl_slist_free_all(x->req_headers);
    x->req_headers = NULL;
    if (!x->is_post && !x->extra && !x->creds && !x->is_raw) {
        /* The common case, a plain GET: the shared list, no allocation. */
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, f->headers);
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
        return;
    }
    /* Credentials go only to their host, never across a redirect. */
    char *host = NULL;
    char *const *creds = NULL;
    if (x->creds && url_host_key(x->cur_url, &host) == 0 &&
        strcmp(host, x->cred_host) == 0)
        creds = x->creds;
    free(host);
    struct curl_slist *h = NULL;
    for (const struct curl_slist *l = f->headers; l; l = l->next)
        if (!strv_has_header(x->extra, l->data) &&
            !strv_has_header(creds, l->data) &&
            !(x->is_raw && is_accept_encoding(l->data)))
            h = curl_slist_append(h, l->data);
    if (x->is_post)
        h = curl_slist_append(h, "Content-Type: application/json");
    for (size_t i = 0; x->extra && x->extra[i]; i++)
        h = curl_slist_append(h, x->extra[i]);
    for (size_t i = 0; creds && creds[i]; i++)
        h = curl_slist_append(h, creds[i]);
    x->req_headers = h;
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
    if (x->is_post) {
        curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS,
                         x->body_text ? x->body_text : "{}");
    } else {
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    }
}

static void active_link(struct fetcher *f, struct fetch *x)
{
    x->prev = NULL;
    x->next = f->active_list;
    if (f->active_list)
        f->active_list->prev = x;
    f->active_list = x;
    f->active++;
}

static void active_unlink(struct fetcher *f, struct fetch *x)
{
    if (x->prev)
        x->prev->next = x->next;
    else
        f->active_list = x->next;
    if (x->next)
        x->next->prev = x->prev;
    x->next = x->prev = NULL;
    f->active--;
}

/* Hand a transfer's result to its owner and recycle it. */
static void fetch_finish(struct fetcher *f, struct fetch *x, CURLcode cc)
{
    struct fetch_result r;
    char reason[CURL_ERROR_SIZE + 64];
    fetch_result_fill(x, cc, &r, reason, sizeof(reason));
    curl_multi_remove_handle(f->multi, x->easy);
    active_unlink(f, x);
    f->cb(f->ctx, x->data, &r);
    fetch_release(f, x);
}

/* The stall timeout: a transfer that has received nothing for
 * stall_timeout_s is aborted, however fast it went before. libcurl's own
 * low-speed check averages, and in the socket interface it only looks when
 * something else wakes it, so a stalled body could hang on for long. */
static uint64_t watchdog_tick_ms(const struct fetcher *f)
{
    return (uint64_t)f->opt.stall_timeout_s * 250;
}

/* A watchdog that runs late found the loop busy (a large document being
 * read, or the process stopped): the bytes that came meanwhile wait
 * unread in the sockets, and timers run before sockets are read. That
 * time is not the servers' silence: every transfer is credited with it. */
static void watchdog_credit_lateness(struct fetcher *f, uint64_t now)
{
    uint64_t due = f->watchdog_ms + watchdog_tick_ms(f);
    f->watchdog_ms = now;
    if (now <= due)
        return;
    for (struct fetch *x = f->active_list; x; x = x->next) {
        x->last_progress_ms += now - due;
        if (x->last_progress_ms > now)
            x->last_progress_ms = now;
    }
}

static void on_watchdog(uv_timer_t *t)
{
    struct fetcher *f = t->data;
    uint64_t now = now_ms(f), limit = (uint64_t)f->opt.stall_timeout_s * 1000;
    watchdog_credit_lateness(f, now);
    struct fetch *x = f->active_list;
    while (x) {
        struct fetch *next = x->next;
        if (now - x->last_progress_ms >= limit) {
            x->is_stalled = true;
            fetch_finish(f, x, CURLE_OK);
        }
        x = next;
    }
    if (!f->active_list)
        uv_timer_stop(&f->watchdog);
}

static void watchdog_arm(struct fetcher *f)
{
    if (f->opt.stall_timeout_s <= 0 ||
        uv_is_active((uv_handle_t *)&f->watchdog))
        return;
    uint64_t tick = watchdog_tick_ms(f);
    f->watchdog_ms = now_ms(f);
    uv_timer_start(&f->watchdog, on_watchdog, tick, tick);
}

int fetcher_start(struct fetcher *f, const char *url,
                  const struct fetch_request *req, bool allow_file, void *data)
{
    if (f->closing)
        return SM_E_INTR;
    struct fetch *x = fetch_get(f);
    if (!x)
        return SM_E_NET;
    x->url = xstrdup(url);
    x->cur_url = xstrdup(url);
    x->data = data;
    x->allow_file = allow_file;
    x->hand_back = false;
    x->prefix_max = 0;
    x->body.max = f->opt.max_doc_size;
    if (req) {
        x->hand_back = req->hand_back_redirects;
        x->prefix_max = req->prefix_max;
        if (x->prefix_max)
            x->body.max = x->prefix_max;
        x->is_post = req->method && strcmp(req->method, "POST") == 0;
        x->body_text = req->body ? xstrdup(req->body) : NULL;
        x->extra = xstrv_dup(req->headers);
        x->creds = xstrv_dup(req->credentials);
        if (x->creds && url_host_key(url, &x->cred_host) != 0) {
            strv_free(x->creds);
            x->creds = NULL;
        }
    }
    if (!x->has_opts) {
        fetch_setopts(f, x);
        x->has_opts = true;
    }
    fetch_set_transfer(x);
    fetch_set_hop(f, x);
    CURLMcode mc = curl_multi_add_handle(f->multi, x->easy);
    if (mc != CURLM_OK) {
        log_error("curl_multi_add_handle: %s", curl_multi_strerror(mc));
        fetch_release(f, x);
        return SM_E_NET;
    }
    x->last_progress_ms = now_ms(x->owner);
    active_link(f, x);
    watchdog_arm(f);
    return 0;
}

size_t fetcher_active(const struct fetcher *f)
{
    return f->active;
}

/* Translate a finished transfer into a fetch_result; reason goes to rbuf. */
/* A reply the server would send the same way again (a bad Content-Encoding,
 * a reply that is not HTTP, headers past libcurl's limits, which it reports
 * as out of memory or by its message only): not worth a retry, unlike a
 * transport error. */
static bool is_garbled(CURLcode cc, const char *errbuf)
{
    return cc == CURLE_BAD_CONTENT_ENCODING || cc == CURLE_WEIRD_SERVER_REPLY ||
           cc == CURLE_UNSUPPORTED_PROTOCOL || cc == CURLE_RANGE_ERROR ||
           cc == CURLE_OUT_OF_MEMORY ||
           strstr(errbuf, "Too large response headers") != NULL;
}

/* A TLS failure that the next try would meet again: the certificate (not
 * trusted, expired, for another name), our own TLS settings (a CA file
 * that cannot be read), or a handshake the server refuses (no protocol
 * version or cipher in common, not TLS at all). A handshake cut short, by
 * a reset, a close or a timeout, is a transport error like any other. */
static bool is_tls_permanent(CURLcode cc, const char *errbuf)
{
    static const char *const cut[] = {
        "SSL_ERROR_SYSCALL", "reset", "eof", "EOF", "Broken pipe", "timed out"};
    switch (cc) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
        return true;
    case CURLE_SSL_CONNECT_ERROR:
        for (size_t i = 0; i < sizeof(cut) / sizeof(cut[0]); i++)
            if (strstr(errbuf, cut[i]))
                return false;
        return true;
    default:
        return false;
    }
}

static void fetch_result_fill(struct fetch *x, CURLcode cc,
                              struct fetch_result *r, char *rbuf, size_t n)
{
    char *final_url = NULL;
    double secs = 0;
    memset(r, 0, sizeof(*r));
    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &r->http_status);
    curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &final_url);
    curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME, &secs);
    r->url = x->url;
    r->final_url = final_url ? final_url : x->url;
    r->body = x->body.data ? x->body.data : "";
    r->body_len = x->body.len;
    r->etag = x->kept.etag;
    r->last_modified = x->kept.last_modified;
    r->retry_after = x->kept.retry_after;
    r->redirects = x->redirects;
    r->seconds = secs;
    rbuf[0] = '\0';
    /* The write callback ended it at the prefix asked for: a complete
     * transfer, as good as its status. */
    if (x->is_cut)
        cc = CURLE_OK;
    if (x->is_private) {
        r->rc = SM_E_DENIED;
        snprintf(rbuf, n,
                 "refused: a private or loopback address "
                 "(--no-private)");
    } else if (x->is_stalled) {
        r->rc = SM_E_TIMEOUT;
        snprintf(rbuf, n, "stalled: no data for %ld s (--stall-timeout)",
                 x->owner->opt.stall_timeout_s);
    } else if (x->too_big || cc == CURLE_FILESIZE_EXCEEDED) {
        r->rc = SM_E_TOOBIG;
        snprintf(rbuf, n, "document larger than %zu bytes",
                 x->owner->opt.max_doc_size);
    } else if (x->redirect_to) {
        r->rc = 0;
        r->redirect_to = x->redirect_to;
    } else if (cc == CURLE_OK && x->kept.in_headers) {
        /* Cut short like a truncated body, and retried as one. */
        r->rc = SM_E_NET;
        snprintf(rbuf, n,
                 "connection closed before the end of the response headers");
    } else if (cc != CURLE_OK) {
        r->rc = cc == CURLE_OPERATION_TIMEDOUT    ? SM_E_TIMEOUT
                : is_stray_on_kept(x, cc)         ? SM_E_NET
                : is_garbled(cc, x->errbuf)       ? SM_E_PARSE
                : is_tls_permanent(cc, x->errbuf) ? SM_E_TLS
                                                  : SM_E_NET;
        snprintf(rbuf, n, "%s",
                 strstr(x->errbuf, "select/poll returned error")
                     ? "connection error: reset or closed by the server"
                 : x->errbuf[0] ? x->errbuf
                 /* libcurl's word for a header line past its 100 KiB
                  * limit, which it does not name. */
                 : cc == CURLE_OUT_OF_MEMORY
                     ? "a response header line too long (over 100 KiB), "
                       "or out of memory"
                     : curl_easy_strerror(cc));
        size_t len = strlen(rbuf);
        while (len && rbuf[len - 1] == '\n')
            rbuf[--len] = '\0';
    } else if (r->http_status >= 300 && r->http_status <= 399 && x->errbuf[0]) {
        r->rc = SM_E_HTTP;
        snprintf(rbuf, n, "%s", x->errbuf);
    } else if (r->http_status != 0 && r->http_status != 304 &&
               (r->http_status < 200 || r->http_status > 299)) {
        r->rc = SM_E_HTTP;
        /* A 3xx here had no Location to follow (a refused one says so
         * above): "HTTP 302" alone reads as a redirect not followed. */
        snprintf(rbuf, n, "HTTP %ld%s", r->http_status,
                 r->http_status >= 300 && r->http_status <= 399
                     ? " (a redirect without a Location)"
                     : "");
    }
    r->reason = rbuf;
}

/* Start x's transfer again on its handle, taken off the multi handle
 * and set for its next request: a body of its own, and the hop's options.
 * False, with why in errbuf, when it cannot be added back. */
static bool fetch_restart(struct fetcher *f, struct fetch *x, const char *why)
{
    buf_reset(&x->body);
    x->too_big = false;
    x->last_progress_ms = now_ms(x->owner);
    fetch_set_hop(f, x);
    if (curl_multi_add_handle(f->multi, x->easy) != CURLM_OK) {
        snprintf(x->errbuf, sizeof(x->errbuf), "%s", why);
        return false;
    }
    return true;
}

/* A 3xx with a Location: follow it ourselves, on the same easy handle.
 * Returns true when the transfer goes on (no result yet), false when the
 * response is final or the redirect is refused (reason in errbuf). */
static bool fetch_redirect(struct fetcher *f, struct fetch *x, CURLcode cc)
{
    long status = 0;
    char *location = NULL;
    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_URL, &location);
    if (cc != CURLE_OK || status < 300 || status > 399 || !location ||
        x->kept.in_headers)
        return false;
    if (x->redirects >= f->opt.max_redirects) {
        snprintf(x->errbuf, sizeof(x->errbuf),
                 "too many redirects (more than %ld)", f->opt.max_redirects);
        return false;
    }
    enum url_scheme scheme = url_scheme_of(location);
    if (scheme != URL_SCHEME_HTTP && scheme != URL_SCHEME_HTTPS) {
        snprintf(x->errbuf, sizeof(x->errbuf),
                 "redirect to a URL that is not http(s) refused: %.200s",
                 location);
        return false;
    }
    if (url_has_userinfo(location)) {
        /* As for links: credentials a server hands out are not ours to
         * send as Basic auth, nor to keep in records and logs. */
        snprintf(x->errbuf, sizeof(x->errbuf),
                 "redirect to a URL that carries credentials (user@host) "
                 "refused");
        return false;
    }
    char *next = NULL;
    if (url_normalize(location, &next) != 0) {
        size_t len = strlen(location);
        snprintf(x->errbuf, sizeof(x->errbuf),
                 "redirect to a location that is not a valid URL (%zu "
                 "bytes): %.150s%s",
                 len, location, len > 150 ? "..." : "");
        return false;
    }
    if (x->hand_back) {
        x->redirect_to = next; /* the result says where to go */
        return false;
    }
    curl_multi_remove_handle(f->multi, x->easy);
    free(x->cur_url);
    x->cur_url = next;
    x->redirects++;
    /* 301/302/303 turn a POST into a GET, as browsers and curl do. */
    if (status == 301 || status == 302 || status == 303)
        x->is_post = false;
    return fetch_restart(f, x, "cannot follow redirect");
}

/* A Content-Encoding that names no coding libcurl knows: "UTF-8", as S3
 * serves objects uploaded with that metadata, "binary", "utf8". Browsers
 * and most HTTP clients ignore such a header and read the body as it
 * came; libcurl refuses the transfer. Ask once more for the same URL,
 * offering no coding and decoding none, and take the body as it comes.
 * A body that is not the gzip or deflate it claims is not asked again:
 * browsers refuse it too. Returns true when the transfer goes on. */
static bool fetch_again_raw(struct fetcher *f, struct fetch *x, CURLcode cc)
{
    static const char unknown[] = "Unrecognized content encoding type";
    if (cc != CURLE_BAD_CONTENT_ENCODING || x->is_raw ||
        strncmp(x->errbuf, unknown, sizeof(unknown) - 1) != 0)
        return false;
    curl_multi_remove_handle(f->multi, x->easy);
    x->is_raw = true;
    curl_easy_setopt(x->easy, CURLOPT_ACCEPT_ENCODING, NULL);
    curl_easy_setopt(x->easy, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    x->errbuf[0] = '\0';
    return fetch_restart(f, x, "cannot ask again");
}

static void check_multi_info(struct fetcher *f)
{
    CURLMsg *msg;
    int pending;
    while ((msg = curl_multi_info_read(f->multi, &pending)) != NULL) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        struct fetch *x = NULL;
        CURLcode cc = msg->data.result;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &x);
        if (fetch_redirect(f, x, cc) || fetch_again_raw(f, x, cc))
            continue;
        fetch_finish(f, x, cc);
    }
}

static void on_timer_closed(uv_handle_t *h)
{
    struct fetcher *f = h->data;
    if (--f->open_handles > 0)
        return;
    /* Closing cached connections may call back; the timer is gone. */
    curl_multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION, NULL);
    curl_multi_cleanup(f->multi);
    /* Sockets closed by the cleanup were forgotten; any left are not
     * libcurl's any more either. */
    for (size_t i = 0; i < f->n_socks; i++)
        sock_forget(f, (curl_socket_t)i);
    free(f->socks);
    curl_slist_free_all(f->headers);
    proxy_env_free(&f->proxy);
    fetcher_free_strings(f);
    free(f);
}

void fetcher_abort_all(struct fetcher *f)
{
    if (!f)
        return;
    /* Their owners hear SM_E_INTR. */
    while (f->active_list) {
        struct fetch *x = f->active_list;
        curl_multi_remove_handle(f->multi, x->easy);
        active_unlink(f, x);
        struct fetch_result r;
        memset(&r, 0, sizeof(r));
        r.url = r.final_url = x->url;
        r.rc = SM_E_INTR;
        r.reason = "interrupted";
        r.body = "";
        f->cb(f->ctx, x->data, &r);
        fetch_release(f, x);
    }
}

void fetcher_free(struct fetcher *f)
{
    if (!f)
        return;
    f->closing = true;
    fetcher_abort_all(f);
    while (f->pool) {
        struct fetch *x = f->pool;
        f->pool = x->next;
        buf_cleanup(&x->body);
        curl_easy_cleanup(x->easy);
        free(x);
    }
    uv_timer_stop(&f->timer);
    uv_close((uv_handle_t *)&f->timer, on_timer_closed);
    uv_close((uv_handle_t *)&f->watchdog, on_timer_closed);
}
