-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "BatchStatus" ADD VALUE 'accepting';
ALTER TYPE "BatchStatus" ADD VALUE 'failed';

-- AlterTable
ALTER TABLE "Batch" ADD COLUMN     "idempotencyKey" TEXT;

-- CreateIndex
CREATE INDEX "Batch_status_updatedAt_idx" ON "Batch"("status", "updatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Batch_tenantId_idempotencyKey_key" ON "Batch"("tenantId", "idempotencyKey");
