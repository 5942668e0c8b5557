/* SPDX-License-Identifier: MIT */
/* Words for the SM_E_* codes. */
#include <config.h>

#include "src/err.h"

const char *sm_strerror(int rc)
{
    switch (rc) {
    case SM_OK:
        return "success";
    case SM_E_INVAL:
        return "invalid argument";
    case SM_E_NOMEM:
        return "out of memory";
    case SM_E_IO:
        return "input/output error";
    case SM_E_PARSE:
        return "invalid JSON";
    case SM_E_TOOBIG:
        return "too large";
    case SM_E_URL:
        return "malformed URL";
    case SM_E_SCHEME:
        return "URL scheme not allowed";
    case SM_E_NOTFOUND:
        return "not found";
    case SM_E_DB:
        return "index error";
    case SM_E_NET:
        return "network error";
    case SM_E_HTTP:
        return "HTTP error";
    case SM_E_NOTSTAC:
        return "not a STAC document";
    case SM_E_LOCKED:
        return "index locked by another harvest";
    case SM_E_DEPTH:
        return "nested too deeply";
    case SM_E_TIMEOUT:
        return "timed out";
    case SM_E_INTR:
        return "interrupted";
    case SM_E_LOOP:
        return "event loop error";
    case SM_E_MAPFULL:
        return "index map full";
    case SM_E_DENIED:
        return "refused by policy";
    case SM_E_TLS:
        return "TLS error";
    }
    return "unknown error";
}
