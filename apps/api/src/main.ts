import 'reflect-metadata';
import { checkRedisEvictionPolicy, listen, loadEnv } from '@retell-ops/config';
import { createApi } from './create-api';

async function main(): Promise<void> {
  const env = loadEnv();
  await checkRedisEvictionPolicy(env);
  const app = await createApi(env);
  await listen(app, env.API_PORT, env.HOST, 'api');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
