-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "disabledTools" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "Interviewer" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "timeZone" TEXT NOT NULL,
    "workingHours" JSONB NOT NULL,
    "slotMinutes" INTEGER NOT NULL DEFAULT 60,
    "positionIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Interviewer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ToolInvocation" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "retellCallId" TEXT NOT NULL,
    "tool" TEXT NOT NULL,
    "argsHash" TEXT NOT NULL,
    "args" JSONB NOT NULL,
    "result" JSONB,
    "ok" BOOLEAN,
    "durationMs" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ToolInvocation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Interviewer_tenantId_name_key" ON "Interviewer"("tenantId", "name");

-- CreateIndex
CREATE INDEX "ToolInvocation_tenantId_retellCallId_createdAt_idx" ON "ToolInvocation"("tenantId", "retellCallId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ToolInvocation_tenantId_retellCallId_tool_argsHash_key" ON "ToolInvocation"("tenantId", "retellCallId", "tool", "argsHash");

-- AddForeignKey
ALTER TABLE "Interviewer" ADD CONSTRAINT "Interviewer_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ToolInvocation" ADD CONSTRAINT "ToolInvocation_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
