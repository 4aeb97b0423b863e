-- CreateTable
CREATE TABLE "CallDayStat" (
    "id" BIGSERIAL NOT NULL,
    "tenantId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "agentId" TEXT,
    "batchId" UUID,
    "outcome" TEXT,
    "calls" INTEGER NOT NULL,
    "completed" INTEGER NOT NULL,
    "failed" INTEGER NOT NULL,
    "successful" INTEGER NOT NULL,
    "analysed" INTEGER NOT NULL,
    "durationSumMs" BIGINT NOT NULL,
    "durationCount" INTEGER NOT NULL,
    "costSumCents" DECIMAL(20,4) NOT NULL,
    "costCount" INTEGER NOT NULL,

    CONSTRAINT "CallDayStat_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StatDirtyDay" (
    "tenantId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "txId" BIGINT NOT NULL,

    CONSTRAINT "StatDirtyDay_pkey" PRIMARY KEY ("tenantId","day","txId")
);

-- CreateIndex
CREATE INDEX "CallDayStat_tenantId_day_idx" ON "CallDayStat"("tenantId", "day");

-- AddForeignKey
ALTER TABLE "CallDayStat" ADD CONSTRAINT "CallDayStat_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Written by hand (Prisma does not model triggers): every change to a call that can move a figure
-- of the stats report marks the (tenant, UTC day) it leaves and the one it lands on, in the
-- writing transaction, whichever client writes it. One mark per transaction and day (ON CONFLICT
-- DO NOTHING on the transaction id): the rollup removes only marks it saw committed, so a change
-- committed after the rollup read the calls leaves its mark for the next run (docs/stats.md).
CREATE FUNCTION "stat_dirty_call_day"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tx bigint := pg_current_xact_id()::text::bigint;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO "StatDirtyDay" ("tenantId", "day", "txId")
    VALUES (OLD."tenantId", (OLD."occurredAt" AT TIME ZONE 'UTC')::date, tx) ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (OLD."tenantId" <> NEW."tenantId"
      OR (OLD."occurredAt" AT TIME ZONE 'UTC')::date <> (NEW."occurredAt" AT TIME ZONE 'UTC')::date)) THEN
    INSERT INTO "StatDirtyDay" ("tenantId", "day", "txId")
    VALUES (NEW."tenantId", (NEW."occurredAt" AT TIME ZONE 'UTC')::date, tx) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Call_stat_dirty_insert_delete" AFTER INSERT OR DELETE ON "Call"
  FOR EACH ROW EXECUTE FUNCTION "stat_dirty_call_day"();

-- Only updates that touch what the report reads (the WHEN test costs no function call).
CREATE TRIGGER "Call_stat_dirty_update" AFTER UPDATE ON "Call" FOR EACH ROW
  WHEN (OLD."tenantId" IS DISTINCT FROM NEW."tenantId" OR OLD."occurredAt" IS DISTINCT FROM NEW."occurredAt"
    OR OLD."agentId" IS DISTINCT FROM NEW."agentId" OR OLD."dialRequestId" IS DISTINCT FROM NEW."dialRequestId"
    OR OLD."status" IS DISTINCT FROM NEW."status" OR OLD."outcome" IS DISTINCT FROM NEW."outcome"
    OR OLD."successful" IS DISTINCT FROM NEW."successful" OR OLD."durationMs" IS DISTINCT FROM NEW."durationMs"
    OR OLD."costCents" IS DISTINCT FROM NEW."costCents")
  EXECUTE FUNCTION "stat_dirty_call_day"();

-- A dial request moving to another batch (or leaving one when its batch is deleted) moves its calls.
CREATE FUNCTION "stat_dirty_dial_request_days"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "StatDirtyDay" ("tenantId", "day", "txId")
  SELECT DISTINCT c."tenantId", (c."occurredAt" AT TIME ZONE 'UTC')::date, pg_current_xact_id()::text::bigint
  FROM "Call" c WHERE c."dialRequestId" = NEW."id"
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "DialRequest_stat_dirty_batch" AFTER UPDATE OF "batchId" ON "DialRequest" FOR EACH ROW
  WHEN (OLD."batchId" IS DISTINCT FROM NEW."batchId")
  EXECUTE FUNCTION "stat_dirty_dial_request_days"();

-- Calls recorded before this migration: every day they fall on is rolled up by the first run.
INSERT INTO "StatDirtyDay" ("tenantId", "day", "txId")
SELECT DISTINCT "tenantId", ("occurredAt" AT TIME ZONE 'UTC')::date, pg_current_xact_id()::text::bigint FROM "Call";
