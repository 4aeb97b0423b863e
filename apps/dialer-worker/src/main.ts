import { runWorkerApp } from '@retell-ops/config';
import { DialerWorkerModule } from './dialer-worker.module';

runWorkerApp((env) => DialerWorkerModule.forRoot(env), 'dialer-worker');
