/* SPDX-License-Identifier: MIT */
/* A worker thread beside the event loop: jobs go in on the loop thread,
 * are worked on the worker thread, and come back to the loop thread in the
 * order they went in. The crawler uses it to parse and read documents while
 * the loop thread goes on with the transfers. */
#ifndef CRAWLER_WORKER_H
#define CRAWLER_WORKER_H

#include <stddef.h>
#include <uv.h>

/* Embed in the job. */
struct worker_job {
    struct worker_job *next;
};

typedef void (*worker_fn)(void *ctx, struct worker_job *job);

struct worker;

/* Start a worker on loop: work(ctx, job) runs on its thread, done(ctx,
 * job) on the loop thread afterwards, in submission order. Returns NULL
 * (with a warning) when no thread can be had: the caller then does the
 * work itself. */
struct worker *worker_start(uv_loop_t *loop, worker_fn work, worker_fn done,
                            void *ctx);

/* Hand a job over (loop thread). */
void worker_submit(struct worker *w, struct worker_job *job);

/* Jobs submitted whose done() has not run yet. 0 for NULL. */
size_t worker_pending(const struct worker *w);

/* Work and deliver every job still pending, end the thread and close the
 * loop handle (the loop frees w once it has run the close). Loop thread;
 * safe with NULL. */
void worker_stop(struct worker *w);

#endif
