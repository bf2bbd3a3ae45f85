"""A region's week on many machines: Procrastinate's queue in the district store, workers that run
each school's steps from its workspace on shared storage, and what the queue holds."""
