"""Where the queue lives in the district store: the schema of Procrastinate's tables, and
zhurnal's table of why jobs failed (Procrastinate keeps states, not exceptions)."""

SCHEMA = "zhurnal_queue"
FAILURES = f"{SCHEMA}.zhurnal_job_failures"
