-- AlterTable
ALTER TABLE "CallEvent" ADD COLUMN     "source" TEXT NOT NULL DEFAULT 'webhook';

-- CreateTable
CREATE TABLE "ReconcileRun" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "rangeFrom" TIMESTAMPTZ(3) NOT NULL,
    "rangeTo" TIMESTAMPTZ(3) NOT NULL,
    "pages" INTEGER NOT NULL DEFAULT 0,
    "callsSeen" INTEGER NOT NULL DEFAULT 0,
    "callsFetched" INTEGER NOT NULL DEFAULT 0,
    "eventsAdded" JSONB NOT NULL DEFAULT '{}',
    "requestsFreed" INTEGER NOT NULL DEFAULT 0,
    "errors" JSONB NOT NULL DEFAULT '[]',
    "requestedBy" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ReconcileRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReconcileState" (
    "tenantId" UUID NOT NULL,
    "watermark" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ReconcileState_pkey" PRIMARY KEY ("tenantId")
);

-- CreateIndex
CREATE INDEX "ReconcileRun_tenantId_createdAt_idx" ON "ReconcileRun"("tenantId", "createdAt");

-- AddForeignKey
ALTER TABLE "ReconcileRun" ADD CONSTRAINT "ReconcileRun_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReconcileState" ADD CONSTRAINT "ReconcileState_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
