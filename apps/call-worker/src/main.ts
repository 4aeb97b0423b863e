import { runWorkerApp } from '@retell-ops/config';
import { CallWorkerModule } from './call-worker.module';
import './reconcile-metrics';

runWorkerApp((env) => CallWorkerModule.forRoot(env), 'call-worker');
