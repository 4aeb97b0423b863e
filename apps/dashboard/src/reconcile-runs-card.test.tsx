import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { SessionGate } from './session';
import { addedSummary, ReconcileRunsCard, type ReconcileRun } from './components/ReconcileRunsCard';

const session = (permissions: string[]) => ({
  tenant: { id: 't1', name: 'Acme', slug: 'acme' },
  role: 'admin',
  permissions,
  csrfToken: 'csrf-1',
  expiresAt: new Date(Date.now() + 3600_000).toISOString(),
});
const RUN: ReconcileRun = {
  id: 'r1',
  trigger: 'schedule',
  status: 'succeeded',
  from: new Date(Date.now() - 3_600_000).toISOString(),
  to: new Date().toISOString(),
  pages: 1,
  callsSeen: 12,
  callsFetched: 3,
  eventsAdded: { call_started: 0, call_ended: 2, call_analyzed: 3 },
  requestsFreed: 1,
  errors: [],
  createdAt: new Date().toISOString(),
  startedAt: new Date().toISOString(),
  finishedAt: new Date().toISOString(),
};
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function renderCard(permissions: string[], onPost = vi.fn()) {
  const runs = [RUN];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      if (url === '/api/v1/auth/session') return json(session(permissions));
      if (url.startsWith('/api/v1/reconcile/runs')) return json({ data: runs, nextCursor: null });
      if (url === '/api/v1/reconcile' && init?.method === 'POST') {
        onPost(JSON.parse(String(init.body)), init.headers);
        runs.unshift({ ...RUN, id: 'r2', trigger: 'operator', status: 'queued', callsSeen: 0, eventsAdded: {} });
        return json(runs[0], 202);
      }
      return json({ message: `unexpected ${url}` }, 404);
    }),
  );
  render(
    <QueryClientProvider client={new QueryClient()}>
      <SessionGate signIn={<p>signed out</p>}>
        <ReconcileRunsCard />
      </SessionGate>
    </QueryClientProvider>,
  );
}

describe('ReconcileRunsCard', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists runs with what they found; the button asks for the last 24 h', async () => {
    const onPost = vi.fn();
    renderCard(['operations:read', 'operations:write'], onPost);
    const table = await screen.findByRole('table');
    const row = within(table).getAllByRole('row')[1];
    expect(row).toHaveTextContent('schedule');
    expect(row).toHaveTextContent('call_ended 2, call_analyzed 3');
    await userEvent.click(screen.getByRole('button', { name: 'Reconcile last 24 h' }));
    expect(await within(table).findByText('operator')).toBeInTheDocument();
    const body = onPost.mock.calls[0][0] as { from: string };
    expect(Date.now() - Date.parse(body.from)).toBeGreaterThanOrEqual(86_400_000);
    expect(Date.now() - Date.parse(body.from)).toBeLessThan(86_400_000 + 60_000);
  });

  it('no button without operations:write', async () => {
    renderCard(['operations:read']);
    await screen.findByRole('table');
    expect(screen.queryByRole('button', { name: 'Reconcile last 24 h' })).toBeNull();
  });

  it('addedSummary', () => {
    expect(addedSummary({ call_started: 0, call_ended: 1 })).toBe('call_ended 1');
    expect(addedSummary({})).toBe('none');
  });
});
