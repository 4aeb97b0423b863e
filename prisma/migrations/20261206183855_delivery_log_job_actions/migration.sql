-- CreateEnum
CREATE TYPE "JobActionKind" AS ENUM ('retry', 'replay');

-- CreateTable
CREATE TABLE "JobAction" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "kind" "JobActionKind" NOT NULL,
    "queue" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "deliveryId" UUID,
    "result" TEXT NOT NULL,
    "stateBefore" TEXT,
    "bulkId" UUID,
    "apiKeyId" TEXT,
    "userId" TEXT,
    "role" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "JobAction_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "JobAction_tenantId_createdAt_id_idx" ON "JobAction"("tenantId", "createdAt" DESC, "id");

-- CreateIndex
CREATE INDEX "JobAction_tenantId_queue_jobId_idx" ON "JobAction"("tenantId", "queue", "jobId");

-- CreateIndex
CREATE INDEX "CallEvent_tenantId_receivedAt_id_idx" ON "CallEvent"("tenantId", "receivedAt" DESC, "id");

-- AddForeignKey
ALTER TABLE "JobAction" ADD CONSTRAINT "JobAction_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
