/* SPDX-License-Identifier: MIT */
/* The one error vocabulary of stacml: every fallible function returns 0 or a
 * negative SM_E_* code, and sm_strerror() turns a code into words. */
#ifndef SRC_ERR_H
#define SRC_ERR_H

enum sm_err {
    SM_OK = 0,
    SM_E_INVAL = -1,    /* bad argument or usage */
    SM_E_NOMEM = -2,    /* out of memory (library allocations only) */
    SM_E_IO = -3,       /* file or socket I/O failed */
    SM_E_PARSE = -4,    /* input is not valid JSON (or not parseable) */
    SM_E_TOOBIG = -5,   /* input exceeds a size or count bound */
    SM_E_URL = -6,      /* malformed URL */
    SM_E_SCHEME = -7,   /* URL scheme not allowed here */
    SM_E_NOTFOUND = -8, /* no such record / file */
    SM_E_DB = -9,       /* index (LMDB) failure */
    SM_E_NET = -10,     /* transport error (connect, TLS, reset, ...) */
    SM_E_HTTP = -11,    /* HTTP status other than 2xx */
    SM_E_NOTSTAC = -12, /* valid JSON but not a STAC document */
    SM_E_LOCKED = -13,  /* index held by another harvest */
    SM_E_DEPTH = -14,   /* nesting deeper than allowed */
    SM_E_TIMEOUT = -15, /* operation timed out */
    SM_E_INTR = -16,    /* interrupted by a signal */
    SM_E_LOOP = -17,    /* event loop failure */
    SM_E_MAPFULL = -18, /* LMDB map full (handled internally by growing) */
    SM_E_DENIED = -19,  /* refused by policy (robots.txt, --no-private) */
    SM_E_TLS = -20,     /* TLS: certificate not trusted, settings refused */
};

/* Return a static, human-readable description of rc (0 or an SM_E_* code).
 * Unknown codes yield "unknown error". */
const char *sm_strerror(int rc);

#endif
