"""Jobs on PostgreSQL (procrastinate): what bot replicas enqueue and `investorbot worker` runs."""
