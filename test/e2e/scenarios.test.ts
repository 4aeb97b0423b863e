import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { getJson } from '../support/http';
import { freePort, startApp, type AppProcess } from '../support/processes';
import { waitForIdleLifecycleQueues } from '../support/reliability';
import { envVars, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

/**
 * The platform as `npm start` runs it, each app its own process: the simulator plays a call to
 * the gateway, the worker records it in PostgreSQL, the admin API serves it.
 */
describe('end to end: simulator → gateway → queue → worker → PostgreSQL → API', () => {
  const apps: AppProcess[] = [];
  let simUrl: string;
  let apiUrl: string;
  let gatewayUrl: string;
  const adminKey = `rops_e2e_${randomBytes(16).toString('hex')}`;
  let vars: Record<string, string>;

  beforeAll(async () => {
    const [gatewayPort, apiPort, simPort] = await Promise.all([freePort(), freePort(), freePort()]);
    gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    apiUrl = `http://127.0.0.1:${apiPort}`;
    simUrl = `http://127.0.0.1:${simPort}`;
    vars = envVars(
      testEnv({
        GATEWAY_PORT: String(gatewayPort),
        API_PORT: String(apiPort),
        RETELL_SIM_PORT: String(simPort),
        GATEWAY_URL: gatewayUrl,
        RETELL_BASE_URL: simUrl,
        RETELL_API_KEY: `key_e2e_${randomBytes(16).toString('hex')}`,
        ADMIN_API_KEY: adminKey,
        DEFAULT_AGENT_ID: `agent_e2e_${randomBytes(6).toString('hex')}`,
        DEFAULT_TENANT_SLUG: `e2e-${randomBytes(4).toString('hex')}`,
      }),
    );
    // The simulator (server and CLI) signs with the per-test key above, not a development key: say so explicitly.
    vars.RETELL_SIM_ALLOW_ANY_KEY = '1';
    apps.push(await startApp('api', vars, /listening on/));
    apps.push(
      ...(await Promise.all([
        startApp('gateway', vars, /listening on/),
        startApp('call-worker', vars, /consuming/),
        startApp('retell-sim', vars, /listening on/),
      ])),
    );
  }, 90000);

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
  });

  const play = async (body: object): Promise<string> => {
    const res = await fetch(`${simUrl}/sim/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(201);
    const played = (await res.json()) as { callId: string; deliveries: Array<{ status: number }> };
    expect(played.deliveries.every((d) => d.status === 204)).toBe(true);
    return played.callId;
  };

  /** The call once both call_ended and call_analyzed are in (analysis sets sentiment, call_ended sets endedAt). */
  const finalCall = (callId: string) =>
    waitFor(
      async () => {
        const res = await getJson(`${apiUrl}/api/v1/calls/${callId}`, adminKey);
        const call = res.status === 200 ? res.json() : undefined;
        return call && call.endedAt && call.sentiment ? call : undefined;
      },
      { what: `call ${callId} to be complete in the API`, timeoutMs: 30000 },
    );

  const scenarios: Array<[string, Record<string, unknown>]> = [
    ['answered', { status: 'completed', retellStatus: 'ended', outcome: 'successful', successful: true, sentiment: 'Positive', inVoicemail: false }],
    [
      'no_answer',
      { status: 'failed', retellStatus: 'not_connected', disconnectionReason: 'dial_no_answer', outcome: 'no_answer', durationMs: 0, customAnalysis: null },
    ],
    ['busy', { status: 'failed', retellStatus: 'not_connected', disconnectionReason: 'dial_busy', outcome: 'busy', durationMs: 0 }],
    [
      'voicemail',
      { status: 'completed', retellStatus: 'ended', disconnectionReason: 'voicemail_reached', outcome: 'voicemail', inVoicemail: true, successful: false },
    ],
  ];

  it.each(scenarios)('%s', async (scenario, expected) => {
    const callId = await play({ scenario, toNumber: '+14155550199', metadata: { candidate_id: 'cand-42' }, dynamicVariables: { first_name: 'Ana' } });
    const call = await finalCall(callId);
    expect(call).toMatchObject({
      callId,
      direction: 'outbound',
      toNumber: '+14155550199',
      metadata: { candidate_id: 'cand-42' },
      dynamicVariables: { first_name: 'Ana' },
      ...expected,
    });
    if (scenario === 'answered') {
      expect(call.transcript).toMatch(/Agent: /);
      expect(call.summary).toEqual(expect.any(String));
      expect(call.costCents).toBeGreaterThan(0);
      expect(call.recordingUrl).toMatch(/^https:\/\//);
      expect(new Date(call.endedAt).getTime()).toBeGreaterThan(new Date(call.startedAt).getTime());
    }
    const list = await getJson(`${apiUrl}/api/v1/calls?outcome=${expected.outcome}&limit=200`, adminKey);
    expect(list.json().data.map((c: { callId: string }) => c.callId)).toContain(callId);
  });

  it('duplicated and reordered deliveries give one call with the same record', async () => {
    const clean = await finalCall(await play({ scenario: 'answered', callId: `call_e2e_clean_${randomBytes(4).toString('hex')}` }));
    const messyId = await play({ scenario: 'answered', duplicates: 3, reorder: true });
    const messy = await finalCall(messyId);
    await waitForIdleLifecycleQueues(vars.REDIS_URL, vars.QUEUE_PREFIX); // every duplicate acknowledged has been handled
    const again = (await getJson(`${apiUrl}/api/v1/calls/${messyId}`, adminKey)).json();
    const strip = (c: Record<string, unknown>) => {
      const {
        id: _id,
        callId: _a,
        createdAt: _b,
        updatedAt: _c,
        startedAt: _d,
        endedAt: _e,
        recordingUrl: _f,
        publicLogUrl: _g,
        transcript: _h,
        transcriptObject: _i,
        costCents: _j,
        durationMs: _k,
        summary: _l,
        ...rest
      } = c;
      return rest;
    };
    expect(again).toEqual(messy);
    expect(strip(messy)).toEqual(strip(clean));
    const all = (await getJson(`${apiUrl}/api/v1/calls?limit=200`, adminKey)).json().data.filter((c: { callId: string }) => c.callId === messyId);
    expect(all).toHaveLength(1);
  });

  it('plays a call from the command line', async () => {
    const cli = path.resolve(__dirname, '..', '..', 'dist', 'apps', 'retell-sim', 'src', 'cli.js');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [cli, 'play', '--scenario', 'busy', '--gateway', gatewayUrl, '--agent', vars.DEFAULT_AGENT_ID],
      { env: { ...process.env, ...vars } },
    );
    const callId = /\b(call_[0-9a-f]{32})\b/.exec(stdout)?.[1];
    expect(callId).toBeDefined();
    expect(await finalCall(callId!)).toMatchObject({ outcome: 'busy', status: 'failed' });
  });
});
