"""The bridge: the long-running collector that follows every enabled printer, whoever is watching.

One asyncio task per printer runs its source's ``follow``; what the sources
report goes through the async ingest (latest status, coalesced broadcast,
batched history). Leases in the database make sure two bridge processes
never follow the same printer. Embedded mode runs it inside the web process
(status/bridge/embedded.py); scaled mode runs ``manage.py run_bridge``.
"""
