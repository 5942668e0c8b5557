/* SPDX-License-Identifier: MIT */
/* Fuzz target for crawler/retry.c: the input (up to its first NUL) is a
 * Retry-After value, parsed against several clocks including the extremes;
 * its first bytes also drive the backoff. Results must stay within caps. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/retry.h"
#include "src/err.h"
#include "src/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int64_t nows[] = {0, 784111777, 1704067200, INT64_MAX,
                                   INT64_MIN};
    const long cap = 3600000;
    char *value;
    long ms;

    if (size > 4096)
        return 0;
    value = xstrndup((const char *)data, size);
    for (size_t i = 0; i < sizeof(nows) / sizeof(nows[0]); i++) {
        ms = -1;
        if (retry_after_parse(value, nows[i], cap, &ms) == 0 &&
            (ms < 0 || ms > cap))
            abort();
    }
    if (size >= 2) {
        ms = retry_backoff_ms(data[0] - 8, 1 + data[1] * 100L, cap,
                              (double)data[size - 1] / 256.0);
        if (ms < 0 || ms > cap)
            abort();
    }
    /* Only a transport failure or an HTTP error is ever tried again. */
    int rc = size > 1 ? -(int)(data[1] % 32) : 0;
    if (retry_is_retryable(rc, size > 0 ? data[0] * 4L : 0) && rc != SM_E_NET &&
        rc != SM_E_TIMEOUT && rc != SM_E_HTTP)
        abort();
    free(value);
    return 0;
}
