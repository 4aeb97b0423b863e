-- CreateIndex
CREATE INDEX "CallbackTask_candidateId_idx" ON "CallbackTask"("candidateId");

-- CreateIndex
CREATE INDEX "Call_candidateId_idx" ON "Call"("candidateId");

-- CreateIndex
CREATE INDEX "DialRequest_candidateId_idx" ON "DialRequest"("candidateId");
