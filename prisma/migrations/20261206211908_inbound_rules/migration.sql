-- CreateTable
CREATE TABLE "InboundRules" (
    "tenantId" UUID NOT NULL,
    "rules" JSONB NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "InboundRules_pkey" PRIMARY KEY ("tenantId")
);

-- AddForeignKey
ALTER TABLE "InboundRules" ADD CONSTRAINT "InboundRules_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
