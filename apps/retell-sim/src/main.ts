import { Logger } from '@nestjs/common';
import { devDefaultsInUse, loadEnv, logLevels } from '@retell-ops/config';
import { retellApiConfig, simConfigFromEnv } from './config/sim-config';
import { createSimApp } from './create-app';

async function bootstrap(): Promise<void> {
  const env = loadEnv();
  const config = simConfigFromEnv(env);
  const app = await createSimApp(config, logLevels(env.LOG_LEVEL));
  app.enableShutdownHooks();
  await app.listen(env.RETELL_SIM_PORT, env.HOST);
  const logger = new Logger('RetellSim');
  if (devDefaultsInUse(env).includes('RETELL_API_KEY')) logger.warn('signing webhooks with the development RETELL_API_KEY');
  const api = retellApiConfig(config);
  logger.log(`Retell simulator listening on ${await app.getUrl()}, delivering to ${env.GATEWAY_URL}`);
  logger.log(`Retell API: concurrency ${api.concurrencyLimit}, ring ${api.ringMs} ms, talk ${api.talkMs} ms, analysis ${api.analysisMs} ms`);
}

bootstrap().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
