import { Logger } from '@nestjs/common';
import { loadEnv, logLevels } from '@retell-ops/config';
import { simSafetyFromEnv } from './config/safety';
import { retellApiConfig, simConfigFromEnv } from './config/sim-config';
import { createSimApp } from './create-app';

async function bootstrap(): Promise<void> {
  const safety = simSafetyFromEnv();
  if (!safety.ok) {
    console.error(`retell-sim: refusing to start: ${safety.reason}`);
    process.exit(1);
  }
  const env = loadEnv();
  const config = simConfigFromEnv(env);
  const app = await createSimApp(config, logLevels(env.LOG_LEVEL));
  app.enableShutdownHooks();
  await app.listen(env.RETELL_SIM_PORT, safety.host);
  const logger = new Logger('RetellSim');
  for (const warning of safety.warnings) logger.warn(warning);
  const api = retellApiConfig(config);
  logger.log(`Retell simulator listening on ${await app.getUrl()}, delivering to ${env.GATEWAY_URL}`);
  logger.log(`Retell API: concurrency ${api.concurrencyLimit}, ring ${api.ringMs} ms, talk ${api.talkMs} ms, analysis ${api.analysisMs} ms`);
}

bootstrap().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
