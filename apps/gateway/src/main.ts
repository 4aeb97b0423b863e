import 'reflect-metadata';
import { checkRedisEvictionPolicy, listen, loadEnv } from '@retell-ops/config';
import { createGateway } from './create-gateway';

async function main(): Promise<void> {
  const env = loadEnv();
  await checkRedisEvictionPolicy(env);
  const app = await createGateway(env);
  await listen(app, env.GATEWAY_PORT, env.HOST, 'gateway');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
