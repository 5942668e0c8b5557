/* SPDX-License-Identifier: MIT */
/* libcurl, loaded on first use. libcurl pulls in some thirty libraries
 * (TLS, Kerberos, LDAP, SSH, IDN, ...), and mapping and relocating them
 * took 8 of the 9 ms that `stacml --version` took: every query command
 * paid it, though only harvest, sources and the URL functions (a URL given
 * on the command line) use libcurl. So stacml is not linked with libcurl:
 * these definitions of the functions it calls load the library with
 * dlopen() the first time one is called, and forward. The prototypes come
 * from <curl/curl.h> itself, so a wrong signature does not compile. */
#include <config.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Hidden: were the program to export these, libcurl's own calls to its
 * exported functions could bind to them. */
#pragma GCC visibility push(hidden)
#define CURL_DISABLE_TYPECHECK 1 /* typecheck-gcc.h makes macros of these */
#include <curl/curl.h>
#pragma GCC visibility pop

#include "src/log.h"

/* Every function stacml calls, as X(return type, name, parameters). */
#define CURL_FUNCTIONS(X)                                                      \
    X(CURLcode, curl_global_init, (long))                                      \
    X(void, curl_global_cleanup, (void))                                       \
    X(char *, curl_version, (void))                                            \
    X(curl_version_info_data *, curl_version_info, (CURLversion))              \
    X(void, curl_free, (void *))                                               \
    X(CURL *, curl_easy_init, (void))                                          \
    X(void, curl_easy_cleanup, (CURL *))                                       \
    X(void, curl_easy_reset, (CURL *))                                         \
    X(CURLcode, curl_easy_perform, (CURL *))                                   \
    X(CURLcode, curl_easy_setopt, (CURL *, CURLoption, ...))                   \
    X(CURLcode, curl_easy_getinfo, (CURL *, CURLINFO, ...))                    \
    X(const char *, curl_easy_strerror, (CURLcode))                            \
    X(char *, curl_easy_escape, (CURL *, const char *, int))                   \
    X(struct curl_slist *, curl_slist_append,                                  \
      (struct curl_slist *, const char *))                                     \
    X(void, curl_slist_free_all, (struct curl_slist *))                        \
    X(CURLM *, curl_multi_init, (void))                                        \
    X(CURLMcode, curl_multi_cleanup, (CURLM *))                                \
    X(CURLMcode, curl_multi_setopt, (CURLM *, CURLMoption, ...))               \
    X(CURLMcode, curl_multi_add_handle, (CURLM *, CURL *))                     \
    X(CURLMcode, curl_multi_remove_handle, (CURLM *, CURL *))                  \
    X(CURLMcode, curl_multi_socket_action,                                     \
      (CURLM *, curl_socket_t, int, int *))                                    \
    X(CURLMsg *, curl_multi_info_read, (CURLM *, int *))                       \
    X(const char *, curl_multi_strerror, (CURLMcode))                          \
    X(CURLU *, curl_url, (void))                                               \
    X(void, curl_url_cleanup, (CURLU *))                                       \
    X(CURLUcode, curl_url_get,                                                 \
      (CURL_URL_GET_CONST CURLU *, CURLUPart, char **, unsigned))              \
    X(CURLUcode, curl_url_set, (CURLU *, CURLUPart, const char *, unsigned))

/* The library's functions, filled once (pthread_once: the crawler's worker
 * thread resolves URLs too). */
static struct {
#define MEMBER(ret, name, params) ret(*name) params;
    CURL_FUNCTIONS(MEMBER)
#undef MEMBER
} lib;

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

/* Without libcurl stacml cannot go on, and none of its callers expects a
 * failure from, say, curl_slist_append(): say so and exit. */
static void lib_missing(const char *what)
{
    fatal("cannot load libcurl: %s", what);
}

static void lib_load(void)
{
    static const char *const names[] = {"libcurl.so.4", "libcurl.4.dylib",
                                        "libcurl.so"};
    void *h = NULL;
    for (size_t i = 0; !h && i < sizeof(names) / sizeof(names[0]); i++)
        h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!h)
        lib_missing(dlerror());
    void *p;
#define RESOLVE(ret, name, params)                                             \
    if ((p = dlsym(h, #name)) == NULL)                                         \
        lib_missing(#name " not found");                                       \
    *(void **)&lib.name = p;
    CURL_FUNCTIONS(RESOLVE)
#undef RESOLVE
}

static void need_lib(void)
{
    pthread_once(&lib_once, lib_load);
}

CURLcode curl_global_init(long flags)
{
    need_lib();
    return lib.curl_global_init(flags);
}

void curl_global_cleanup(void)
{
    need_lib();
    lib.curl_global_cleanup();
}

char *curl_version(void)
{
    need_lib();
    return lib.curl_version();
}

curl_version_info_data *curl_version_info(CURLversion v)
{
    need_lib();
    return lib.curl_version_info(v);
}

void curl_free(void *p)
{
    need_lib();
    lib.curl_free(p);
}

CURL *curl_easy_init(void)
{
    need_lib();
    return lib.curl_easy_init();
}

void curl_easy_cleanup(CURL *e)
{
    need_lib();
    lib.curl_easy_cleanup(e);
}

void curl_easy_reset(CURL *e)
{
    need_lib();
    lib.curl_easy_reset(e);
}

CURLcode curl_easy_perform(CURL *e)
{
    need_lib();
    return lib.curl_easy_perform(e);
}

/* An option's argument type is given by its number range (curl.h: long,
 * object pointer, function pointer, curl_off_t, blob pointer). POSIX
 * function pointers travel as void *, as libcurl itself reads them. */
CURLcode curl_easy_setopt(CURL *e, CURLoption opt, ...)
{
    va_list ap;
    CURLcode rc;
    need_lib();
    va_start(ap, opt);
    if (opt < CURLOPTTYPE_OBJECTPOINT)
        rc = lib.curl_easy_setopt(e, opt, va_arg(ap, long));
    else if (opt >= CURLOPTTYPE_OFF_T && opt < CURLOPTTYPE_BLOB)
        rc = lib.curl_easy_setopt(e, opt, va_arg(ap, curl_off_t));
    else
        rc = lib.curl_easy_setopt(e, opt, va_arg(ap, void *));
    va_end(ap);
    return rc;
}

/* Every info is written through a pointer. */
CURLcode curl_easy_getinfo(CURL *e, CURLINFO info, ...)
{
    va_list ap;
    need_lib();
    va_start(ap, info);
    CURLcode rc = lib.curl_easy_getinfo(e, info, va_arg(ap, void *));
    va_end(ap);
    return rc;
}

const char *curl_easy_strerror(CURLcode c)
{
    need_lib();
    return lib.curl_easy_strerror(c);
}

char *curl_easy_escape(CURL *e, const char *s, int n)
{
    need_lib();
    return lib.curl_easy_escape(e, s, n);
}

struct curl_slist *curl_slist_append(struct curl_slist *l, const char *s)
{
    need_lib();
    return lib.curl_slist_append(l, s);
}

void curl_slist_free_all(struct curl_slist *l)
{
    need_lib();
    lib.curl_slist_free_all(l);
}

CURLM *curl_multi_init(void)
{
    need_lib();
    return lib.curl_multi_init();
}

CURLMcode curl_multi_cleanup(CURLM *m)
{
    need_lib();
    return lib.curl_multi_cleanup(m);
}

/* Multi options are numbered like easy ones. */
CURLMcode curl_multi_setopt(CURLM *m, CURLMoption opt, ...)
{
    va_list ap;
    CURLMcode rc;
    need_lib();
    va_start(ap, opt);
    if (opt < CURLOPTTYPE_OBJECTPOINT)
        rc = lib.curl_multi_setopt(m, opt, va_arg(ap, long));
    else if (opt >= CURLOPTTYPE_OFF_T && opt < CURLOPTTYPE_BLOB)
        rc = lib.curl_multi_setopt(m, opt, va_arg(ap, curl_off_t));
    else
        rc = lib.curl_multi_setopt(m, opt, va_arg(ap, void *));
    va_end(ap);
    return rc;
}

CURLMcode curl_multi_add_handle(CURLM *m, CURL *e)
{
    need_lib();
    return lib.curl_multi_add_handle(m, e);
}

CURLMcode curl_multi_remove_handle(CURLM *m, CURL *e)
{
    need_lib();
    return lib.curl_multi_remove_handle(m, e);
}

CURLMcode curl_multi_socket_action(CURLM *m, curl_socket_t s, int ev,
                                   int *running)
{
    need_lib();
    return lib.curl_multi_socket_action(m, s, ev, running);
}

CURLMsg *curl_multi_info_read(CURLM *m, int *left)
{
    need_lib();
    return lib.curl_multi_info_read(m, left);
}

const char *curl_multi_strerror(CURLMcode c)
{
    need_lib();
    return lib.curl_multi_strerror(c);
}

CURLU *curl_url(void)
{
    need_lib();
    return lib.curl_url();
}

void curl_url_cleanup(CURLU *u)
{
    need_lib();
    lib.curl_url_cleanup(u);
}

CURLUcode curl_url_get(CURL_URL_GET_CONST CURLU *u, CURLUPart what, char **part,
                       unsigned flags)
{
    need_lib();
    return lib.curl_url_get(u, what, part, flags);
}

CURLUcode curl_url_set(CURLU *u, CURLUPart what, const char *part,
                       unsigned flags)
{
    need_lib();
    return lib.curl_url_set(u, what, part, flags);
}
