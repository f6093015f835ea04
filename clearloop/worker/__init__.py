"""The background worker: `manage.py run_worker`, worker heartbeats and leases, periodic runs.

Apps declare tasks with `clearloop.core.tasks`; this app only runs them. See
docs/decisions/0003-background-tasks.md.
"""
