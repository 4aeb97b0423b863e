-- CreateEnum
CREATE TYPE "DialPriority" AS ENUM ('high', 'normal', 'low');

-- CreateEnum
CREATE TYPE "DialRequestStatus" AS ENUM ('scheduled', 'queued', 'dialing', 'live', 'retry_wait', 'completed', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "BatchStatus" AS ENUM ('active', 'completed', 'cancelled');

-- AlterTable
ALTER TABLE "Call" ADD COLUMN     "attempt" INTEGER,
ADD COLUMN     "dialRequestId" UUID,
ALTER COLUMN "retellCallId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "Batch" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "name" TEXT,
    "maxConcurrent" INTEGER NOT NULL,
    "windowStart" INTEGER,
    "windowEnd" INTEGER,
    "timeZone" TEXT,
    "status" "BatchStatus" NOT NULL DEFAULT 'active',
    "cancelledAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Batch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DialRequest" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "batchId" UUID,
    "candidateId" UUID,
    "toNumber" TEXT NOT NULL,
    "fromNumber" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "dynamicVariables" JSONB NOT NULL,
    "metadata" JSONB,
    "priority" "DialPriority" NOT NULL DEFAULT 'normal',
    "status" "DialRequestStatus" NOT NULL,
    "scheduledAt" TIMESTAMPTZ(3),
    "notBefore" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 1,
    "retryBackoffSec" INTEGER NOT NULL DEFAULT 300,
    "lastOutcome" TEXT,
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "DialRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Batch_tenantId_createdAt_idx" ON "Batch"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "DialRequest_tenantId_status_priority_notBefore_idx" ON "DialRequest"("tenantId", "status", "priority", "notBefore");

-- CreateIndex
CREATE INDEX "DialRequest_batchId_status_idx" ON "DialRequest"("batchId", "status");

-- CreateIndex
CREATE INDEX "Call_dialRequestId_idx" ON "Call"("dialRequestId");

-- AddForeignKey
ALTER TABLE "Call" ADD CONSTRAINT "Call_dialRequestId_fkey" FOREIGN KEY ("dialRequestId") REFERENCES "DialRequest"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Batch" ADD CONSTRAINT "Batch_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DialRequest" ADD CONSTRAINT "DialRequest_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DialRequest" ADD CONSTRAINT "DialRequest_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "Batch"("id") ON DELETE SET NULL ON UPDATE CASCADE;
