import { runWorkerApp } from '@retell-ops/config';
import { SchedulingWorkerModule } from './scheduling-worker.module';

runWorkerApp((env) => SchedulingWorkerModule.forRoot(env), 'scheduling-worker');
