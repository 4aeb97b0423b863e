import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from './App';
import { ApiError } from './api';
import './styles.css';

// One retry for what may pass (network, 5xx); none for a 4xx answer, which says the same again.
const retry = (failures: number, error: Error) => failures < 1 && !(error instanceof ApiError && error.status < 500);
const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: 5_000, retry, refetchOnWindowFocus: true } } });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
