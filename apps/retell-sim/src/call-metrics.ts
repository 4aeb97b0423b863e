import type { RetellCallCost } from '@retell-ops/retell';

// Unit prices in cents per second (Retell bills per minute: 7¢ voice, 4.5¢ LLM, 1.5¢ telephony).
const PRODUCTS = [
  { product: 'elevenlabs_tts', unit_price: 0.1166667 },
  { product: 'gpt_4_1', unit_price: 0.075 },
  { product: 'retell_telephony', unit_price: 0.025 },
] as const;

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Retell's call_cost; every amount is in cents. */
export function callCost(durationMs: number): Required<RetellCallCost> {
  const seconds = Math.ceil(durationMs / 1000);
  if (seconds === 0) return { product_costs: [], combined_cost: 0, total_duration_seconds: 0, total_duration_unit_price: 0 };
  const product_costs = PRODUCTS.map((p) => ({ product: p.product, unit_price: p.unit_price, cost: round(p.unit_price * seconds, 2) }));
  return {
    product_costs,
    combined_cost: round(
      product_costs.reduce((sum, p) => sum + p.cost, 0),
      2,
    ),
    total_duration_seconds: seconds,
    total_duration_unit_price: round(
      PRODUCTS.reduce((sum, p) => sum + p.unit_price, 0),
      7,
    ),
  };
}

export interface LatencyStats {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  num: number;
  values: number[];
}

function stats(values: number[]): LatencyStats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { p50: at(50), p90: at(90), p95: at(95), p99: at(99), min: sorted[0], max: sorted[sorted.length - 1], num: values.length, values };
}

/** Per-response latencies in ms (deterministic), keyed like Retell's `latency` object; {} when the agent never responded. */
export function callLatency(responses: number): Record<string, LatencyStats> {
  if (responses <= 0) return {};
  const series = (base: number, step: number, spread: number) => Array.from({ length: responses }, (_, i) => base + ((i * step) % spread));
  return {
    e2e: stats(series(880, 137, 420)),
    llm: stats(series(430, 89, 260)),
    tts: stats(series(190, 53, 120)),
    asr: stats(series(60, 17, 40)),
  };
}

export function llmTokenUsage(responses: number): { values: number[]; average: number; num_requests: number } | undefined {
  if (responses <= 0) return undefined;
  const values = Array.from({ length: responses }, (_, i) => 820 + i * 115);
  return { values, average: round(values.reduce((a, b) => a + b, 0) / values.length, 2), num_requests: values.length };
}
