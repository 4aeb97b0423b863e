import { freePort } from '../support/processes';
import { parsePrometheus, type Scrape } from '../support/prometheus';
import { simNumber, startDialerStack, type DialerStack } from '../support/dialer-stack';
import { waitFor } from '../support/wait';

/**
 * The dialer's series on real traffic: calls placed through the simulator as Retell, scraped from
 * the dialer worker's and the call worker's METRICS_PORT once every request has ended.
 */
describe('dialer metrics through the simulator', () => {
  const SIM_LIMIT = 7;
  let stack: DialerStack;
  let dialerOps: string;
  let callWorkerOps: string;

  beforeAll(async () => {
    const [dialerPort, callPort] = [await freePort(), await freePort()];
    dialerOps = `http://127.0.0.1:${dialerPort}`;
    callWorkerOps = `http://127.0.0.1:${callPort}`;
    stack = await startDialerStack({
      simVars: { RETELL_SIM_CONCURRENCY: String(SIM_LIMIT) },
      appVars: { 'dialer-worker': { METRICS_PORT: String(dialerPort) }, 'call-worker': { METRICS_PORT: String(callPort) } },
    });
  }, 90000);

  afterAll(() => stack?.stop());

  const scrape = async (base: string): Promise<Scrape> => parsePrometheus(await (await fetch(`${base}/metrics`)).text());

  it('counts placed tries, Retell requests, outcomes, and live calls against the limit per tenant', async () => {
    const targets = [...Array.from({ length: 4 }, () => ({ toNumber: simNumber('0') })), ...Array.from({ length: 2 }, () => ({ toNumber: simNumber('1') }))];
    const created = await stack.api('POST', '/api/v1/batches', { name: 'metrics', maxConcurrent: 6, maxAttempts: 1, targets });
    expect(created.status).toBe(201);
    const batchId = created.json.id as string;
    await waitFor(
      async () => {
        const b = (await stack.api('GET', `/api/v1/batches/${batchId}`)).json;
        return b.progress.completed + b.progress.failed === 6;
      },
      { what: 'all 6 to end', timeoutMs: 90000, intervalMs: 500 },
    );

    const dialer = await scrape(dialerOps);
    expect(dialer.sum('rops_dial_place_results_total', { result: 'placed' })).toBe(6);
    expect(dialer.sum('rops_retell_api_requests_total', { operation: 'POST /v2/create-phone-call' })).toBe(6);
    expect(dialer.sum('rops_retell_api_errors_total', { operation: 'POST /v2/create-phone-call' })).toBe(0);
    expect(dialer.sum('rops_retell_api_requests_total', { operation: 'GET /get-concurrency', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(dialer.sum('rops_dialer_concurrency_limit', { tenant: stack.tenantId })).toBe(SIM_LIMIT);
    expect(dialer.has('rops_dialer_live_calls', { tenant: stack.tenantId })).toBe(true);
    expect(dialer.sum('rops_job_duration_seconds_count', { queue: 'dial-place.v1', outcome: 'completed' })).toBe(6);

    const calls = await waitFor(
      async () => {
        const s = await scrape(callWorkerOps);
        return s.sum('rops_dial_outcomes_total') === 6 && s;
      },
      { what: 'six dial outcomes on the call worker' },
    );
    expect(calls.sum('rops_dial_outcomes_total', { next: 'completed' })).toBe(4);
    expect(calls.sum('rops_dial_outcomes_total', { outcome: 'no_answer', next: 'failed' })).toBe(2);
  }, 150000);
});
