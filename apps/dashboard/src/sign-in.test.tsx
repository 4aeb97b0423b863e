import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { SignInPage } from './pages/SignInPage';

describe('SignInPage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('posts the key and shows the API refusal under the field', async () => {
    const fetchMock = vi.fn().mockResolvedValue(new Response(JSON.stringify({ statusCode: 401, message: 'API key is unknown or revoked' }), { status: 401 }));
    vi.stubGlobal('fetch', fetchMock);
    render(
      <QueryClientProvider client={new QueryClient()}>
        <SignInPage />
      </QueryClientProvider>,
    );
    await userEvent.type(screen.getByLabelText('API key'), 'rops_wrong');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('API key is unknown or revoked')).toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledWith('/api/v1/auth/session', expect.objectContaining({ method: 'POST', body: JSON.stringify({ apiKey: 'rops_wrong' }) }));
  });
});

describe('SignInPage with email and password', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('posts email and password to /api/v1/auth/login and shows the one refusal under the password', async () => {
    const fetchMock = vi.fn().mockResolvedValue(new Response(JSON.stringify({ statusCode: 401, message: 'email or password is wrong' }), { status: 401 }));
    vi.stubGlobal('fetch', fetchMock);
    render(
      <QueryClientProvider client={new QueryClient()}>
        <SignInPage />
      </QueryClientProvider>,
    );
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'not the password');
    await userEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByText('email or password is wrong')).toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledWith(
      '/api/v1/auth/login',
      expect.objectContaining({ method: 'POST', body: JSON.stringify({ email: 'ada@example.com', password: 'not the password' }) }),
    );
    // the API-key form is there beside it
    expect(screen.getByLabelText('API key')).toBeInTheDocument();
  });
});
