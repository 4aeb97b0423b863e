import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router-dom';
import { SessionGate } from './session';
import { UsersPage } from './pages/UsersPage';
import { AcceptInvitePage } from './pages/AcceptInvitePage';
import { Route, Routes } from 'react-router-dom';

const SESSION = {
  tenant: { id: 't1', name: 'Acme', slug: 'acme' },
  role: 'owner',
  permissions: ['users:manage', 'tenant:read'],
  csrfToken: 'csrf-1',
  expiresAt: new Date(Date.now() + 3600_000).toISOString(),
  user: { id: 'u1', email: 'owner@acme.test', name: 'Olive Owner' },
  memberships: [{ tenant: { id: 't1', name: 'Acme', slug: 'acme' }, role: 'owner' }],
};
const LIST = {
  members: [
    { userId: 'u1', email: 'owner@acme.test', name: 'Olive Owner', role: 'owner', joinedAt: '2026-12-01T10:00:00.000Z' },
    { userId: 'u2', email: 'rita@acme.test', name: 'Rita', role: 'recruiter', joinedAt: '2026-12-02T10:00:00.000Z' },
  ],
  invitations: [],
};
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function renderUsers() {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <MemoryRouter>
        <SessionGate signIn={<p>signed out</p>}>
          <UsersPage />
        </SessionGate>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('UsersPage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('invites with the CSRF token and shows the one-time link to copy', async () => {
    const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      if (url === '/api/v1/auth/session') return json(SESSION);
      if (url === '/api/v1/users') return json(LIST);
      if (url === '/api/v1/users/invitations' && init?.method === 'POST')
        return json({ id: 'i1', token: 'tok', url: 'http://x/invite/tok', expiresAt: '2026-12-13T10:00:00.000Z' }, 201);
      return json({ message: `unexpected ${url}` }, 404);
    });
    vi.stubGlobal('fetch', fetchMock);
    renderUsers();
    expect(await screen.findByText('rita@acme.test')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Email'), 'grace@acme.test');
    await userEvent.selectOptions(screen.getByLabelText('Role'), 'viewer');
    await userEvent.click(screen.getByRole('button', { name: 'Invite' }));
    expect(await screen.findByLabelText('Invitation link')).toHaveValue('http://x/invite/tok');
    const post = fetchMock.mock.calls.find(([u, i]) => u === '/api/v1/users/invitations' && i?.method === 'POST');
    expect(JSON.parse(String(post?.[1]?.body))).toEqual({ email: 'grace@acme.test', role: 'viewer' });
    expect((post?.[1]?.headers as Record<string, string>)['x-csrf-token']).toBe('csrf-1');
  });

  it('changes a role, and shows the 409 of the last owner', async () => {
    const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      if (url === '/api/v1/auth/session') return json(SESSION);
      if (url === '/api/v1/users') return json(LIST);
      if (url === '/api/v1/users/u1' && init?.method === 'PATCH')
        return json({ message: 'the last owner cannot be demoted: make another member owner first' }, 409);
      if (url === '/api/v1/users/u2' && init?.method === 'PATCH') return json({ ...LIST.members[1], role: 'admin' });
      return json({ message: `unexpected ${url}` }, 404);
    });
    vi.stubGlobal('fetch', fetchMock);
    renderUsers();
    await userEvent.selectOptions(await screen.findByLabelText('Role of rita@acme.test'), 'admin');
    expect(fetchMock).toHaveBeenCalledWith('/api/v1/users/u2', expect.objectContaining({ method: 'PATCH', body: JSON.stringify({ role: 'admin' }) }));
    await userEvent.selectOptions(screen.getByLabelText('Role of owner@acme.test'), 'viewer');
    expect(await screen.findByText(/last owner cannot be demoted/)).toBeInTheDocument();
  });

  it('removes a member only after a second click', async () => {
    const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      if (url === '/api/v1/auth/session') return json(SESSION);
      if (url === '/api/v1/users') return json(LIST);
      if (url === '/api/v1/users/u2' && init?.method === 'DELETE') return new Response(null, { status: 204 });
      return json({ message: `unexpected ${url}` }, 404);
    });
    vi.stubGlobal('fetch', fetchMock);
    renderUsers();
    await userEvent.click(await screen.findByRole('button', { name: 'Remove rita@acme.test' }));
    expect(fetchMock.mock.calls.some(([, i]) => i?.method === 'DELETE')).toBe(false);
    const row = screen.getByText('rita@acme.test').closest('tr')!;
    await userEvent.click(within(row).getByRole('button', { name: 'Yes, remove rita@acme.test' }));
    expect(fetchMock).toHaveBeenCalledWith('/api/v1/users/u2', expect.objectContaining({ method: 'DELETE' }));
  });
});

describe('AcceptInvitePage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends the token from the link with name and password, and refuses two different passwords first', async () => {
    const fetchMock = vi.fn(async () =>
      json({ message: 'this invitation has already been used: sign in with your email and password', code: 'invitation_accepted' }, 409),
    );
    vi.stubGlobal('fetch', fetchMock);
    render(
      <QueryClientProvider client={new QueryClient()}>
        <MemoryRouter initialEntries={['/invite/abcdefghijklmnopqrstuvwxyz']}>
          <Routes>
            <Route path="/invite/:token" element={<AcceptInvitePage />} />
          </Routes>
        </MemoryRouter>
      </QueryClientProvider>,
    );
    await userEvent.type(screen.getByLabelText('Your name'), 'Grace Hopper');
    await userEvent.type(screen.getByLabelText('Password'), 'a long password 1');
    await userEvent.type(screen.getByLabelText('Repeat the password'), 'a long password 2');
    await userEvent.click(screen.getByRole('button', { name: 'Join and sign in' }));
    expect(await screen.findByText('the two passwords differ')).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
    await userEvent.clear(screen.getByLabelText('Repeat the password'));
    await userEvent.type(screen.getByLabelText('Repeat the password'), 'a long password 1');
    await userEvent.click(screen.getByRole('button', { name: 'Join and sign in' }));
    expect(await screen.findByText(/already been used/)).toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledWith(
      '/api/v1/auth/invitations/accept',
      expect.objectContaining({
        method: 'POST',
        body: JSON.stringify({ token: 'abcdefghijklmnopqrstuvwxyz', name: 'Grace Hopper', password: 'a long password 1' }),
      }),
    );
  });
});
