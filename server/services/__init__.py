"""server/services: the use cases (load -> ask the domain -> persist -> publish).

How a use case is written here (the details: ``server.services.unit``):

- **One transaction per use case, opened in one place.** Declare the use case ``@writes`` (it
  changes data) or ``@reads`` and take the unit of work as the first parameter::

      @writes
      def recall(uow: Unit, at: TellerAt) -> CounterActionResult: ...

  Callers (routers, the realtime hub, tests) pass the ``BranchContext``: ``recall(ctx, at)``;
  another use case joins the open unit with ``recall.within(uow, at)``. Helpers take
  ``uow`` or ``uow.session`` as a parameter; nothing here calls ``write_session`` /
  ``read_session`` itself. A use case that needs two transactions (read first and write only
  when needed, or slow work like password hashing outside the writer lock) opens them with
  ``with ctx.reading() as uow:`` / ``with ctx.writing() as uow:``.
- **Events after the commit.** ``uow.publish(event)`` queues; the unit publishes after its
  commit (in commit order, under the writer lock) and drops the events on a rollback. Never
  call ``ctx.publish`` directly. Exception: issuing (``issue_batch``: group commit on a raw
  writer connection, documented there).
- **Locks stay the store's.** A write unit is ``store.db.write_session``: SQLite's writer lock
  and ``BEGIN IMMEDIATE``; PostgreSQL's ``FOR UPDATE`` row locks in the repository functions.
- **Answers are wire models.** Use cases return ``server.contract`` models (or domain values);
  routers only translate HTTP and never import ``server.store`` (an import-linter contract).
- **Errors** are domain errors or ``services.errors``; each has a row in ``server/api/errors.py``.
- **Periodic work** is a ``Job`` in ``services/jobs.py``'s ``periodic_jobs`` (one scheduler).
"""
