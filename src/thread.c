/* SPDX-License-Identifier: MIT */
#include <config.h>

#include <signal.h>

#include "src/thread.h"

int thread_start(pthread_t *t, const char *name, void *(*fn)(void *), void *arg)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int err = pthread_create(t, NULL, fn, arg);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
#ifdef __linux__
    if (err == 0)
        pthread_setname_np(*t, name);
#else
    (void)name;
#endif
    return err;
}
