import { runWorkerApp } from '@retell-ops/config';
import { CandidateWorkerModule } from './candidate-worker.module';

runWorkerApp((env) => CandidateWorkerModule.forRoot(env), 'candidate-worker');
