import { runWorkerApp } from '@retell-ops/config';
import { CallWorkerModule } from './call-worker.module';

runWorkerApp((env) => CallWorkerModule.forRoot(env), 'call-worker');
