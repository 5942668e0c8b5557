/* SPDX-License-Identifier: MIT */
/* Starting the helper threads (the crawler's document worker, the index's
 * batch writer) the same way. */
#ifndef SRC_THREAD_H
#define SRC_THREAD_H

#include <pthread.h>

/* pthread_create(t, fn, arg) with every signal blocked in the new thread
 * (signals are the event loop's business), named name where the system
 * has thread names (top -H, perf). Returns 0 or pthread_create()'s error. */
int thread_start(pthread_t *t, const char *name, void *(*fn)(void *),
                 void *arg);

#endif
