-- A call can transfer more than once: two transfer events of one type for one call are both kept
-- when their destinations differ (Retell's own dedupe key for them is event, call and destination).
-- Lifecycle events keep one per call and type, under the key ''. Adding a column with a constant
-- default rewrites nothing; the new unique index is built once (a few seconds per million events).
ALTER TABLE "CallEvent" ADD COLUMN "dedupeKey" TEXT NOT NULL DEFAULT '';
DROP INDEX "CallEvent_tenantId_callId_type_key";
CREATE UNIQUE INDEX "CallEvent_tenantId_callId_type_dedupeKey_key" ON "CallEvent"("tenantId", "callId", "type", "dedupeKey");
