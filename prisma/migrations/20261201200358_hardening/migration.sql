-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "retellApiKeyPrevEnc" TEXT,
ADD COLUMN     "retellApiKeyPrevUntil" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "Batch" ADD COLUMN     "completedAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "DialRequest" ADD COLUMN     "cancelRequestedAt" TIMESTAMPTZ(3),
ADD COLUMN     "checkedAt" TIMESTAMPTZ(3),
ADD COLUMN     "currentCallId" UUID,
ADD COLUMN     "statusChangedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "tries" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "DialRequest_status_statusChangedAt_idx" ON "DialRequest"("status", "statusChangedAt");

-- Backfill: every try so far was an attempt, and each request's current call is its latest attempt's row.
UPDATE "DialRequest" SET "tries" = "attempts";
UPDATE "DialRequest" r SET "currentCallId" = c."id"
FROM "Call" c WHERE c."dialRequestId" = r."id" AND c."attempt" = GREATEST(r."attempts", 1);
