import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { corsOrigins, type AppEnv } from '@retell-ops/config';

/**
 * The Content-Security-Policy the dashboard (a Vite build: module scripts and styles from
 * /assets, React style props, recordings from Retell's https storage) and the Swagger UI run
 * under. No inline script anywhere; nothing may frame the API.
 */
export const CONTENT_SECURITY_POLICY = {
  directives: {
    defaultSrc: ["'self'"],
    baseUri: ["'self'"],
    connectSrc: ["'self'"],
    fontSrc: ["'self'", 'data:'],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    mediaSrc: ["'self'", 'https:', 'blob:'],
    objectSrc: ["'none'"],
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    // Off: on a plain-http development address it would send the dashboard's own requests to https.
    upgradeInsecureRequests: null,
  },
};

/**
 * Security headers on every API answer (helmet: CSP above, HSTS, nosniff, frame and referrer
 * policies), and CORS for exactly the origins in CORS_ORIGINS (none by default: the dashboard
 * is same-origin, so a browser refuses any other site's script a read of the API).
 * Registered before the dashboard's fallback hook, so index.html carries the headers too.
 */
export async function securityHeaders(app: NestFastifyApplication, env: AppEnv): Promise<void> {
  await app.register(helmet as never, { contentSecurityPolicy: CONTENT_SECURITY_POLICY, crossOriginEmbedderPolicy: false });
  const origins = corsOrigins(env);
  if (origins.length === 0) return;
  await app.register(cors as never, {
    origin: origins,
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'PUT', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'x-csrf-token'],
    exposedHeaders: ['retry-after'],
    maxAge: 600,
  });
}
