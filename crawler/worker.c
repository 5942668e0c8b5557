/* SPDX-License-Identifier: MIT */
/* One thread, two FIFO lists under one mutex: "in" (submitted, not worked)
 * and "out" (worked, not delivered). Both directions go by batches, since
 * on a machine whose cores are busy (the loop, the worker, a local server)
 * every wake-up of a sleeping thread costs more than reading a small
 * document: submitted jobs go in once WORKER_BATCH of them are waiting,
 * WORKER_BATCH_MS after the first of them, or when the caller has nothing
 * else to do (worker_flush()); the worker takes all that is in at once,
 * puts out all it worked at once, and wakes the loop through a
 * uv_async_t, which coalesces further. */
#include <config.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/worker.h"
#include "src/log.h"
#include "src/thread.h"
#include "src/xalloc.h"

#define WORKER_BATCH 32
#define WORKER_BATCH_MS 20

struct job_list {
    struct worker_job *head, *tail;
};

struct worker {
    uv_async_t async;
    uv_check_t check;
    uv_timer_t timer; /* WORKER_BATCH_MS after a batch began */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct job_list in, out;
    struct job_list freed; /* done with: for release() on the thread */
    bool is_waiting;       /* the worker sleeps on cv */
    bool is_stopping;
    worker_fn work, done, release;
    void *ctx;
    /* Loop thread only: */
    struct job_list batch; /* submitted, not handed over yet */
    struct job_list spent; /* given back, not handed over yet */
    size_t n_batch;
    size_t pending;
    int n_closing;
};

static void list_append(struct job_list *l, struct job_list *more)
{
    if (!more->head)
        return;
    if (l->tail)
        l->tail->next = more->head;
    else
        l->head = more->head;
    l->tail = more->tail;
    more->head = more->tail = NULL;
}

static void list_push(struct job_list *l, struct worker_job *j)
{
    j->next = NULL;
    if (l->tail)
        l->tail->next = j;
    else
        l->head = j;
    l->tail = j;
}

static struct worker_job *list_take(struct job_list *l)
{
    struct worker_job *all = l->head;
    l->head = l->tail = NULL;
    return all;
}

/* Release a list of jobs (worker thread, or the loop once it has ended). */
static void release_all(struct worker *w, struct worker_job *j)
{
    while (j) {
        struct worker_job *next = j->next;
        w->release(w->ctx, j);
        j = next;
    }
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->in.head && !w->freed.head && !w->is_stopping) {
            w->is_waiting = true;
            pthread_cond_wait(&w->cv, &w->mu);
            w->is_waiting = false;
        }
        struct job_list done = {w->in.head, w->in.tail};
        w->in.head = w->in.tail = NULL;
        struct worker_job *freed = list_take(&w->freed);
        if (!done.head && !freed)
            break;
        pthread_mutex_unlock(&w->mu);
        release_all(w, freed);
        for (struct worker_job *j = done.head; j; j = j->next)
            w->work(w->ctx, j);
        pthread_mutex_lock(&w->mu);
        if (!done.head)
            continue;
        list_append(&w->out, &done);
        pthread_mutex_unlock(&w->mu);
        uv_async_send(&w->async);
        pthread_mutex_lock(&w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* Hand the batch over (loop thread). */
static void flush(struct worker *w)
{
    if (!w->batch.head)
        return;
    uv_timer_stop(&w->timer);
    w->n_batch = 0;
    pthread_mutex_lock(&w->mu);
    list_append(&w->freed, &w->spent);
    list_append(&w->in, &w->batch);
    bool is_waiting = w->is_waiting;
    pthread_mutex_unlock(&w->mu);
    if (is_waiting)
        pthread_cond_signal(&w->cv);
}

/* After each loop iteration's I/O: a full batch goes. */
static void on_check(uv_check_t *h)
{
    struct worker *w = h->data;
    if (w->n_batch >= WORKER_BATCH)
        flush(w);
}

static void on_timer(uv_timer_t *t)
{
    flush(t->data);
}

void worker_flush(struct worker *w)
{
    if (w)
        flush(w);
}

void worker_give_back(struct worker *w, struct worker_job *job)
{
    list_push(&w->spent, job);
}

/* Deliver what is worked, in order (loop thread). */
static void deliver(struct worker *w)
{
    pthread_mutex_lock(&w->mu);
    struct worker_job *j = list_take(&w->out);
    pthread_mutex_unlock(&w->mu);
    while (j) {
        struct worker_job *next = j->next;
        w->pending--;
        w->done(w->ctx, j);
        j = next;
    }
}

static void on_async(uv_async_t *a)
{
    deliver(a->data);
}

static void on_closed(uv_handle_t *h)
{
    struct worker *w = h->data;
    if (--w->n_closing == 0)
        free(w);
}

static void close_handles(struct worker *w)
{
    w->n_closing = 3;
    uv_close((uv_handle_t *)&w->async, on_closed);
    uv_close((uv_handle_t *)&w->check, on_closed);
    uv_close((uv_handle_t *)&w->timer, on_closed);
}

struct worker *worker_start(uv_loop_t *loop, worker_fn work, worker_fn done,
                            worker_fn release, void *ctx)
{
    struct worker *w = xcalloc(1, sizeof(*w));
    w->work = work;
    w->done = done;
    w->release = release;
    w->ctx = ctx;
    if (uv_async_init(loop, &w->async, on_async) != 0) {
        free(w);
        return NULL;
    }
    w->async.data = w;
    uv_check_init(loop, &w->check);
    w->check.data = w;
    uv_check_start(&w->check, on_check);
    uv_unref((uv_handle_t *)&w->check);
    uv_timer_init(loop, &w->timer);
    w->timer.data = w;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    int err = thread_start(&w->thread, "stacml-read", worker_main, w);
    if (err != 0) {
        log_warn("no worker thread (%s): documents are read in line",
                 strerror(err));
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
        close_handles(w);
        return NULL;
    }
    return w;
}

void worker_submit(struct worker *w, struct worker_job *job)
{
    w->pending++;
    list_push(&w->batch, job);
    if (w->n_batch++ == 0)
        uv_timer_start(&w->timer, on_timer, WORKER_BATCH_MS, 0);
}

size_t worker_pending(const struct worker *w)
{
    return w ? w->pending : 0;
}

void worker_stop(struct worker *w)
{
    if (!w)
        return;
    flush(w);
    pthread_mutex_lock(&w->mu);
    w->is_stopping = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    /* The thread works off what is in before it ends. */
    pthread_join(w->thread, NULL);
    deliver(w);
    /* The thread is gone: what was given back since is released here. */
    release_all(w, list_take(&w->freed));
    release_all(w, list_take(&w->spent));
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    close_handles(w);
}
