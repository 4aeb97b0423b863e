import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router-dom';
import { SessionGate } from './session';
import { SendCallPage } from './pages/SendCallPage';

const SESSION = {
  tenant: { id: 't1', name: 'Acme', slug: 'acme' },
  role: 'admin',
  permissions: ['calls:read', 'calls:write', 'calls:candidate', 'agents:read', 'tenant:read'],
  csrfToken: 'csrf-1',
  expiresAt: new Date(Date.now() + 3600_000).toISOString(),
};
const TENANT = { id: 't1', name: 'Acme', slug: 'acme', defaultAgentId: 'agent_a', defaultFromNumber: '+14155550100' };
const AGENTS = [{ retellAgentId: 'agent_a', name: 'Screener', createdAt: new Date().toISOString() }];

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A datetime-local value (the viewer's wall clock, to the minute) a day from now. */
function tomorrowLocal(): string {
  const d = new Date(Date.now() + 86_400_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

describe('SendCallPage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends the optional schedule and priority to POST /api/v1/calls, with the CSRF token', async () => {
    const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      if (url === '/api/v1/auth/session') return json(SESSION);
      if (url === '/api/v1/tenant') return json(TENANT);
      if (url === '/api/v1/agents') return json(AGENTS);
      if (url === '/api/v1/calls' && init?.method === 'POST') return json({ id: 'c1', status: 'scheduled' }, 201);
      return json({ message: `unexpected ${url}` }, 404);
    });
    vi.stubGlobal('fetch', fetchMock);
    render(
      <QueryClientProvider client={new QueryClient()}>
        <MemoryRouter>
          <SessionGate signIn={<p>signed out</p>}>
            <SendCallPage />
          </SessionGate>
        </MemoryRouter>
      </QueryClientProvider>,
    );
    await userEvent.type(await screen.findByLabelText('To number'), '+14155550123');
    const when = tomorrowLocal();
    await userEvent.type(screen.getByLabelText('Schedule (optional, your time)'), when);
    await userEvent.selectOptions(screen.getByLabelText('Priority'), 'low');
    await userEvent.click(screen.getByRole('button', { name: 'Send call' }));
    expect(await screen.findByText(/Call scheduled/)).toBeInTheDocument();

    const post = fetchMock.mock.calls.find(([url, init]) => url === '/api/v1/calls' && init?.method === 'POST');
    expect(post).toBeDefined();
    const init = post![1]!;
    expect(init.headers).toMatchObject({ 'x-csrf-token': 'csrf-1', 'content-type': 'application/json' });
    expect(JSON.parse(String(init.body))).toEqual({
      toNumber: '+14155550123',
      agentId: 'agent_a',
      fromNumber: '+14155550100',
      scheduledAt: new Date(when).toISOString(),
      priority: 'low',
    });
  });
});
