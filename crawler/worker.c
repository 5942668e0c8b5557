/* SPDX-License-Identifier: MIT */
/* One thread, two FIFO lists under one mutex: "in" (submitted, not worked)
 * and "out" (worked, not delivered). Both directions go by batches, since
 * waking a thread costs more than reading a small document: jobs submitted
 * during one loop iteration go in together (a uv_check_t, after the loop's
 * I/O), the worker takes all that is in at once and puts out all it
 * worked at once, and wakes the loop through a uv_async_t, which
 * coalesces further. */
#include <config.h>

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/worker.h"
#include "src/log.h"
#include "src/xalloc.h"

struct job_list {
    struct worker_job *head, *tail;
};

struct worker {
    uv_async_t async;
    uv_check_t check;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct job_list in, out;
    bool is_waiting; /* the worker sleeps on cv */
    bool is_stopping;
    worker_fn work, done;
    void *ctx;
    /* Loop thread only: */
    struct job_list batch; /* submitted in this loop iteration */
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

static void *worker_main(void *arg)
{
    struct worker *w = arg;
#ifdef __linux__
    pthread_setname_np(pthread_self(), "stacml-read");
#endif
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->in.head && !w->is_stopping) {
            w->is_waiting = true;
            pthread_cond_wait(&w->cv, &w->mu);
            w->is_waiting = false;
        }
        struct job_list done = {w->in.head, w->in.tail};
        w->in.head = w->in.tail = NULL;
        if (!done.head)
            break;
        pthread_mutex_unlock(&w->mu);
        for (struct worker_job *j = done.head; j; j = j->next)
            w->work(w->ctx, j);
        pthread_mutex_lock(&w->mu);
        list_append(&w->out, &done);
        pthread_mutex_unlock(&w->mu);
        uv_async_send(&w->async);
        pthread_mutex_lock(&w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* Hand this iteration's batch over (loop thread). */
static void flush(struct worker *w)
{
    if (!w->batch.head)
        return;
    pthread_mutex_lock(&w->mu);
    list_append(&w->in, &w->batch);
    bool is_waiting = w->is_waiting;
    pthread_mutex_unlock(&w->mu);
    if (is_waiting)
        pthread_cond_signal(&w->cv);
}

static void on_check(uv_check_t *h)
{
    flush(h->data);
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
    w->n_closing = 2;
    uv_close((uv_handle_t *)&w->async, on_closed);
    uv_close((uv_handle_t *)&w->check, on_closed);
}

struct worker *worker_start(uv_loop_t *loop, worker_fn work, worker_fn done,
                            void *ctx)
{
    struct worker *w = xcalloc(1, sizeof(*w));
    w->work = work;
    w->done = done;
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
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    /* Signals are the loop's business: none for this thread. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int err = pthread_create(&w->thread, NULL, worker_main, w);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
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
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    close_handles(w);
}
