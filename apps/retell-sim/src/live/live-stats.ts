import type { ToolCallOutcome } from './tool-request';

export interface LiveStatsSnapshot {
  toolCalls: {
    /** tool calls the agents made (each may take several attempts) */
    calls: number;
    attempts: number;
    /** attempts after the first */
    retries: number;
    succeeded: number;
    /** calls whose last attempt failed: the agent was told the tool failed */
    failed: number;
    /** attempts that got no answer within the tool's timeout_ms */
    timedOut: number;
    /** answers cut to 15,000 characters */
    truncated: number;
  };
  inbound: {
    /** inbound calls that asked a number's inbound webhook */
    asked: number;
    attempts: number;
    rejected: number;
    /** answered with a usable answer (the call went ahead with it) */
    answered: number;
    /** every attempt failed or the answer was invalid: the number's inbound agent took the call */
    fallback: number;
    /** … and the number had no inbound agent: the caller was hung up on */
    disconnected: number;
  };
}

const zero = (): LiveStatsSnapshot => ({
  toolCalls: { calls: 0, attempts: 0, retries: 0, succeeded: 0, failed: 0, timedOut: 0, truncated: 0 },
  inbound: { asked: 0, attempts: 0, rejected: 0, answered: 0, fallback: 0, disconnected: 0 },
});

/** Counters of what happened during calls: tool requests and inbound-webhook requests (GET /sim/stats). */
export class LiveStats {
  private counts = zero();

  recordTool(outcome: ToolCallOutcome): void {
    const t = this.counts.toolCalls;
    t.calls++;
    t.attempts += outcome.attempts.length;
    t.retries += Math.max(0, outcome.attempts.length - 1);
    t.timedOut += outcome.attempts.filter((a) => a.error === 'timeout').length;
    if (outcome.successful) t.succeeded++;
    else t.failed++;
    if (outcome.truncated) t.truncated++;
  }

  recordInbound(attempts: number, result: 'rejected' | 'answered' | 'fallback' | 'disconnected'): void {
    const i = this.counts.inbound;
    i.asked++;
    i.attempts += attempts;
    i[result]++;
  }

  snapshot(): LiveStatsSnapshot {
    return { toolCalls: { ...this.counts.toolCalls }, inbound: { ...this.counts.inbound } };
  }

  reset(): void {
    this.counts = zero();
  }
}
