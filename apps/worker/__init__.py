"""The worker (JOBS=queue): takes the jobs bot replicas put in PostgreSQL and runs them, and hosts
the scheduled refresh. Start one or more; PostgreSQL coordinates them."""
