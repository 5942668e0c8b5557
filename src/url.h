/* SPDX-License-Identifier: MIT */
/* URL normalisation and RFC 3986 resolution on top of libcurl's URL API
 * (CURLU). Pure functions: no network, no global state. */
#ifndef SRC_URL_H
#define SRC_URL_H

#include <stdbool.h>

/* URLs longer than this are refused with SM_E_TOOBIG. */
#define URL_MAX_LEN 8192

enum url_scheme {
    URL_SCHEME_OTHER = 0,
    URL_SCHEME_HTTP,
    URL_SCHEME_HTTPS,
    URL_SCHEME_FILE,
};

/* Normalise an absolute URL: scheme and host lower-case, default port
 * dropped, dot segments resolved, fragment dropped, empty http(s) path
 * becomes "/", and in path and query the escapes of unreserved characters
 * decoded ("%7E" -> "~") and the hex digits of the others upper-cased
 * ("%2f" -> "%2F"), as RFC 3986 6.2.2 has it. On success *out is a new string
 * (caller frees with free()). Returns 0, SM_E_URL (not an absolute URL, or
 * malformed), SM_E_SCHEME (scheme other than http, https, file), or SM_E_TOOBIG
 * (longer than URL_MAX_LEN, before or after normalisation). */
int url_normalize(const char *url, char **out);

/* url_normalize() without its shortcut for URLs that are normal already:
 * libcurl's parse every time (for the tests that check the shortcut). */
int url_normalize_full(const char *url, char **out);

/* Resolve href against base (an absolute URL) per RFC 3986 and normalise
 * the result as url_normalize() does. An absolute href ignores base.
 * Same returns as url_normalize(); *out is new on success. */
int url_resolve(const char *base, const char *href, char **out);

/* url_resolve() for a base known to be normal (url_is_normal()): the same
 * result, but the common relative href of plain characters ("items/a.json")
 * is joined without parsing anything. */
int url_resolve_normal(const char *base, const char *href, char **out);

/* Whether url_normalize() gives url back unchanged. */
bool url_is_normal(const char *url);

/* The scheme of an absolute URL (case-insensitive), URL_SCHEME_OTHER when
 * it has none of the three. */
enum url_scheme url_scheme_of(const char *url);

/* True when href has no scheme and reads as a container-registry reference
 * such as "docker.io/org/image:tag", "registry.hub.docker.com/u/m:v1" or
 * "ghcr.io/o/i@sha256:...": its first segment is a host name (contains a
 * dot, or is localhost; optional :port) followed by at least one more
 * segment, it does not end in .json/.geojson, and something marks it as an
 * image: a port, localhost, a registry that holds only images (docker.io,
 * ghcr.io, quay.io, gcr.io, ...), or a tag or digest on its last segment.
 * A dotted directory without those ("v1.2/collection", "data.d/items/x")
 * is a relative path. Such hrefs are never resolved or fetched
 * (EXTENSIONS.md 7.9.1). */
bool url_is_registry_ref(const char *href);

/* Whether an absolute URL names a user (and maybe a password) before its
 * host: "scheme://user:pw@host/...". An @ in the path or query is not. */
bool url_has_userinfo(const char *url);

/* Whether url is a file URL that names a host other than this one,
 * "file://HOST/path" with HOST (its port aside) neither empty, localhost
 * nor 127.0.0.1, the names libcurl reads as this host: such a file cannot
 * be read here (url_normalize() refuses it as malformed). */
bool url_is_remote_file(const char *url);

/* Whether url is a file URL with a port, "file://HOST:PORT/path" (PORT
 * maybe empty): RFC 8089 gives a file URL none, and libcurl refuses it as
 * a bad file URL (url_normalize() as malformed). */
bool url_file_has_port(const char *url);

/* Whether url, an http(s) URL, gives port 0, where nothing can listen. */
bool url_has_port_zero(const char *url);

/* The politeness key of an absolute URL: "scheme://host:port" with the port
 * always present (80/443 filled in), or "file://" for file URLs. *out is
 * new. Returns 0 or SM_E_URL. */
int url_host_key(const char *url, char **out);

/* Turn a command-line argument into a normalised absolute URL. http(s) and
 * file URLs are normalised; anything else without a scheme is a local path,
 * made absolute against the working directory (the file must exist) and
 * returned as a percent-encoded file:// URL. Returns 0, SM_E_URL,
 * SM_E_SCHEME, SM_E_NOTFOUND (no such local file) or SM_E_TOOBIG. */
int url_from_arg(const char *arg, char **out);

/* A seed that names a local directory (a path or a file:// URL) stands for
 * the catalog.json, else the collection.json, inside it, as a person reads
 * `stacml harvest seeds/examples`: *out is that file's path (new string),
 * or NULL when arg names no directory. Returns 0, or SM_E_NOTFOUND for a
 * directory that holds neither. */
int url_seed_directory(const char *arg, char **out);

/* The local path of a file:// URL ("file:///p" or "file://localhost/p"),
 * percent-decoded, as a new string; NULL for any other URL, or one whose
 * path would hold a NUL byte. */
char *url_file_path(const char *url);

/* url with its query parameter name set to value: every existing name=...
 * pair removed, then name=value appended (value percent-encoded). *out is
 * new. Returns 0, SM_E_URL or SM_E_TOOBIG. */
int url_set_param(const char *url, const char *name, const char *value,
                  char **out);

/* True when ip (an IPv4 or IPv6 address in text form) is loopback,
 * private, link-local, carrier-grade NAT, unspecified or an IPv4-mapped
 * form of those: the addresses --no-private refuses. Unparseable text is
 * treated as private (refused). */
bool url_ip_is_private(const char *ip);

/* The value of a hex digit, -1 for anything else. */
int url_hex_value(int c);

/* Whether c is an RFC 3986 unreserved character: ALPHA / DIGIT / "-" /
 * "." / "_" / "~". */
bool url_is_unreserved(int c);

/* s percent-encoded as one path segment (every byte but the unreserved
 * ones), "." and ".." included, which would otherwise be path steps. New
 * (free()); NULL when out of memory. */
char *url_escape_segment(const char *s);

#endif
