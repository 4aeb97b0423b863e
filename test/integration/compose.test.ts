import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { DEV_DEFAULTS, loadEnv } from '@retell-ops/config';
import { simSafetyFromEnv } from '../../apps/retell-sim/src/config/safety';

/**
 * docker-compose.yml and docker/Dockerfile, by structure (no Docker engine here): the services,
 * profiles, production settings, healthchecks, start order, Redis's flags, and that every command
 * names a file the image holds. When a compose binary is on PATH, `config -q` checks the rest.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const composeText = fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
const dockerfile = fs.readFileSync(path.join(ROOT, 'docker', 'Dockerfile'), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  restart?: string;
  volumes?: string[];
  ports?: string[];
}
const services: Record<string, Service> = parse(composeText, { merge: true }).services;

const APPS = ['api', 'gateway', 'call-worker', 'candidate-worker', 'scheduling-worker', 'dialer-worker'];
const WORKERS = APPS.filter((a) => a.endsWith('-worker'));
const MONITORING = ['prometheus', 'grafana'];
const IMAGE = 'retell-ops:local';

/** Values a deployment would put in its .env: real-looking secrets, none of the development ones. */
const DEPLOY_ENV: Record<string, string> = {
  POSTGRES_PASSWORD: randomBytes(12).toString('hex'),
  RETELL_API_KEY: `key_${randomBytes(16).toString('hex')}`,
  ADMIN_API_KEY: `rops_${randomBytes(20).toString('hex')}`,
  ENCRYPTION_KEY: randomBytes(32).toString('hex'),
};

/** Compose's interpolation for the forms this file uses: ${X}, ${X:-default}, ${X:?error}. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{([A-Z_][A-Z0-9_]*)(?::([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    if (vars[name]) return vars[name];
    if (op === '-') return arg ?? '';
    if (op === '?') throw new Error(`${name} is required: ${arg}`);
    return '';
  });
}
const envOf = (name: string, vars = DEPLOY_ENV) =>
  Object.fromEntries(Object.entries(services[name].environment ?? {}).map(([k, v]) => [k, interpolate(String(v), vars)]));

/** The script a `node …` command runs (the first argument that is not a node flag). */
function scriptOf(argv: string[]): string {
  expect(argv[0]).toBe('node');
  const script = argv.slice(1).find((a) => !a.startsWith('-'));
  if (!script) throw new Error(`no script in ${argv.join(' ')}`);
  return script;
}

/** Paths the Dockerfile's final stage copies from the build stage (ends up in /app). */
const copiedIntoImage = [...dockerfile.matchAll(/^COPY --from=build \/app\/(\S+) /gm)].map((m) => m[1]);
const inImage = (file: string) => copiedIntoImage.some((c) => file === c || file.startsWith(`${c.replace(/\/$/, '')}/`));

/** Whether the image holds `file`: dist/ files the build makes from apps/<name>/src/*.ts, others copied from the repo. */
function expectImageHolds(file: string): void {
  expect({ file, inImage: inImage(file) }).toEqual({ file, inImage: true });
  const dist = /^dist\/apps\/([a-z-]+)\/src\/main\.js$/.exec(file);
  if (file.startsWith('dist/')) {
    expect(dist).not.toBeNull();
    expect(fs.existsSync(path.join(ROOT, 'apps', dist![1], 'src', 'main.ts'))).toBe(true);
    expect(fs.existsSync(path.join(ROOT, file))).toBe(true); // `npm run build` made it here too
  } else {
    expect(fs.existsSync(path.join(ROOT, file))).toBe(true);
  }
}

describe('docker-compose.yml', () => {
  it('has postgres, redis, the migration, every app, the simulator, Prometheus and Grafana, and the edge proxy for replicas', () => {
    expect(Object.keys(services).sort()).toEqual([...APPS, 'edge', 'migrate', 'postgres', 'redis', 'retell-sim', ...MONITORING].sort());
    for (const name of [...APPS, 'migrate', 'retell-sim'])
      expect({ name, image: services[name].image, build: !!services[name].build }).toEqual({ name, image: IMAGE, build: true });
  });

  it('puts the simulator only in the dev profile, Prometheus and Grafana in monitoring, the edge in scale; everything else runs by default', () => {
    expect(services['retell-sim'].profiles).toEqual(['dev']);
    expect(services.edge.profiles).toEqual(['scale']);
    for (const name of MONITORING) expect({ name, profiles: services[name].profiles }).toEqual({ name, profiles: ['monitoring'] });
    for (const [name, s] of Object.entries(services))
      if (!['retell-sim', 'edge', ...MONITORING].includes(name)) expect({ name, profiles: s.profiles }).toEqual({ name, profiles: undefined });
  });

  it.each([...APPS, 'migrate'])('%s runs with NODE_ENV=production', (name) => {
    expect(services[name].environment?.NODE_ENV).toBe('production');
  });

  it.each(APPS)('%s: its environment passes the production validation (https Retell, real secrets)', (name) => {
    const env = loadEnv(envOf(name));
    expect(env.NODE_ENV).toBe('production');
    expect(env.RETELL_BASE_URL).toBe('https://api.retellai.com');
    expect(env.RETELL_API_KEY).toBe(DEPLOY_ENV.RETELL_API_KEY);
  });

  it('the secrets have no defaults: each is required from the environment', () => {
    for (const name of ['POSTGRES_PASSWORD', 'RETELL_API_KEY', 'ADMIN_API_KEY', 'ENCRYPTION_KEY']) {
      expect(composeText).toMatch(new RegExp(`\\$\\{${name}:\\?[^}]+\\}`));
      expect(composeText).not.toMatch(new RegExp(`\\$\\{${name}(:?-)`));
      const { [name]: _left, ...missing } = DEPLOY_ENV;
      expect(() => envOf('api', missing)).toThrow(`${name} is required`);
    }
    for (const value of Object.values(DEV_DEFAULTS).slice(0, 3)) expect(composeText).not.toContain(value);
  });

  it('the simulator runs in development, on every interface of its container, signing with the deployment key by explicit consent', () => {
    const env = envOf('retell-sim');
    expect(env).toMatchObject({ NODE_ENV: 'development', RETELL_SIM_HOST: '0.0.0.0', RETELL_SIM_ALLOW_ANY_KEY: '1', GATEWAY_URL: 'http://gateway:3000' });
    expect(simSafetyFromEnv(env)).toMatchObject({ ok: true, host: '0.0.0.0' });
    expect(simSafetyFromEnv({ ...env, RETELL_SIM_ALLOW_ANY_KEY: '' }).ok).toBe(false);
    expect(() => loadEnv(env)).not.toThrow();
    expect(services['retell-sim'].ports).toEqual(['127.0.0.1:3900:3900']);
  });

  it('every service has a healthcheck; only the one-shot migration disables it', () => {
    for (const [name, s] of Object.entries(services)) {
      if (name === 'migrate') {
        expect(s.healthcheck).toEqual({ disable: true });
        expect(s.restart).toBe('no');
      } else {
        expect({ name, test: s.healthcheck?.test?.[0] }).toEqual({ name, test: 'CMD' });
        expect(s.healthcheck!.test!.length).toBeGreaterThan(1);
      }
    }
    expect(services.postgres.healthcheck!.test!.slice(1, 2)).toEqual(['pg_isready']);
    expect(services.redis.healthcheck!.test!.slice(1)).toEqual(['redis-cli', 'ping']);
  });

  it.each<[string, string]>([
    ['api', `http://127.0.0.1:${loadEnv({}).API_PORT}/ready`],
    ['gateway', `http://127.0.0.1:${loadEnv({}).GATEWAY_PORT}/ready`],
    ['retell-sim', `http://127.0.0.1:${loadEnv({}).RETELL_SIM_PORT}/health`],
  ])('%s is checked over HTTP on the port it listens on: %s', (name, url) => {
    expect(services[name].healthcheck!.test).toEqual(['CMD', 'node', 'docker/healthcheck.js', url]);
  });

  it.each(WORKERS)('%s is checked over HTTP: /ready on its METRICS_PORT', (name) => {
    const port = loadEnv(envOf(name)).METRICS_PORT;
    expect(port).toBeGreaterThan(0);
    expect(services[name].healthcheck!.test).toEqual(['CMD', 'node', 'docker/healthcheck.js', `http://127.0.0.1:${port}/ready`]);
  });

  it('Prometheus scrapes every app on the port it serves /metrics on', () => {
    const config = parse(fs.readFileSync(path.join(ROOT, 'docker', 'prometheus', 'prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ static_configs: Array<{ targets: string[] }> }>;
    };
    const targets = config.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets)).sort();
    const expected = [
      `api:${loadEnv(envOf('api')).API_PORT}`,
      `gateway:${loadEnv(envOf('gateway')).GATEWAY_PORT}`,
      ...WORKERS.map((w) => `${w}:${loadEnv(envOf(w)).METRICS_PORT}`),
    ].sort();
    expect(targets).toEqual(expected);
    expect(services.prometheus.volumes).toContain('./docker/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro');
    const dashboard = JSON.parse(fs.readFileSync(path.join(ROOT, 'docker', 'grafana', 'dashboards', 'retell-ops.json'), 'utf8')) as {
      panels: Array<{ targets: Array<{ expr: string }> }>;
    };
    expect(dashboard.panels.length).toBeGreaterThan(10);
  });

  it('start order: each dependency is waited for by condition, on a service that can meet it', () => {
    const allowed = ['service_healthy', 'service_completed_successfully'];
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect({ name, dep, exists: dep in services, condition: allowed.includes(condition) }).toEqual({ name, dep, exists: true, condition: true });
        if (condition === 'service_healthy') expect({ dep, healthcheck: !!services[dep].healthcheck?.test }).toEqual({ dep, healthcheck: true });
        else expect({ dep, oneShot: services[dep].restart }).toEqual({ dep, oneShot: 'no' });
      }
    }
    for (const app of APPS) {
      expect(services[app].depends_on).toMatchObject({
        migrate: { condition: 'service_completed_successfully' },
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
    }
    expect(services.migrate.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(services.gateway.depends_on).toMatchObject({ api: { condition: 'service_healthy' } });
    expect(services['retell-sim'].depends_on).toEqual({ gateway: { condition: 'service_healthy' } });
  });

  it('no dependency cycle', () => {
    const visit = (name: string, seen: string[]): void => {
      expect(seen).not.toContain(name);
      for (const dep of Object.keys(services[name].depends_on ?? {})) visit(dep, [...seen, name]);
    };
    for (const name of Object.keys(services)) visit(name, []);
  });

  it('Redis never evicts (BullMQ keys are jobs) and keeps an append-only file on a volume', () => {
    const cmd = services.redis.command!;
    expect(cmd[0]).toBe('redis-server');
    expect(cmd[cmd.indexOf('--maxmemory-policy') + 1]).toBe('noeviction');
    expect(cmd[cmd.indexOf('--appendonly') + 1]).toBe('yes');
    expect(services.redis.volumes?.some((v) => /^[a-z]+:\/data$/.test(v))).toBe(true);
    expect(services.postgres.volumes?.some((v) => /^[a-z]+:\/var\/lib\/postgresql\/data$/.test(v))).toBe(true);
  });

  it.each([...APPS, 'retell-sim'])('%s runs its own dist/apps/<name>/src/main.js, which the build produces', (name) => {
    const s = services[name];
    expect(s.entrypoint).toBeUndefined();
    const script = scriptOf(s.command!);
    expect(script).toBe(`dist/apps/${name}/src/main.js`);
    expectImageHolds(script);
  });

  it('the migration and every node healthcheck run files the image holds', () => {
    expectImageHolds(scriptOf(services.migrate.command!));
    for (const s of Object.values(services)) {
      const test = s.healthcheck?.test;
      if (test?.[1] === 'node') expectImageHolds(scriptOf(test.slice(1)));
    }
  });

  it('only the gateway is published beyond this host; Postgres and Redis not at all', () => {
    expect(services.gateway.ports?.map((p) => interpolate(p, DEPLOY_ENV))).toEqual(['3000:3000']);
    expect(services.api.ports?.map((p) => interpolate(p, DEPLOY_ENV))).toEqual(['127.0.0.1:3001:3001']);
    for (const name of ['postgres', 'redis', 'migrate', ...WORKERS]) expect({ name, ports: services[name].ports }).toEqual({ name, ports: undefined });
    for (const name of MONITORING) for (const port of services[name].ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
  });
});

describe('replicas (docker compose --scale)', () => {
  it('no app names its container or pins anything that two replicas could not share', () => {
    for (const name of APPS)
      expect({ name, container_name: (services[name] as { container_name?: string }).container_name }).toEqual({ name, container_name: undefined });
    // Workers publish nothing; the gateway and API publish a port (or a range, one per replica) set by GATEWAY_PORTS / API_PORTS.
    for (const name of WORKERS) expect({ name, ports: services[name].ports }).toEqual({ name, ports: undefined });
    const scaled = { ...DEPLOY_ENV, GATEWAY_PORTS: '127.0.0.1:3010-3019', API_PORTS: '127.0.0.1:3020-3029' };
    expect(services.gateway.ports?.map((p) => interpolate(p, scaled))).toEqual(['127.0.0.1:3010-3019:3000']);
    expect(services.api.ports?.map((p) => interpolate(p, scaled))).toEqual(['127.0.0.1:3020-3029:3001']);
  });

  it('REDIS_URL can name a Redis Cluster for every app, and defaults to the compose Redis', () => {
    for (const name of APPS) expect(envOf(name).REDIS_URL).toBe('redis://redis:6379');
    const clustered = { ...DEPLOY_ENV, REDIS_URL: 'redis+cluster://r1:6379,r2:6379,r3:6379' };
    for (const name of APPS) expect(envOf(name, clustered).REDIS_URL).toBe(clustered.REDIS_URL);
    expect(loadEnv({ ...DEV_DEFAULTS, REDIS_URL: clustered.REDIS_URL }).REDIS_URL).toBe(clustered.REDIS_URL);
  });

  it('the edge proxy sends /webhooks/ to the gateway replicas and the rest to the API replicas, resolved at request time', () => {
    const conf = fs.readFileSync(path.join(ROOT, 'docker', 'nginx', 'edge.conf'), 'utf8');
    expect(services.edge.volumes).toEqual(['./docker/nginx/edge.conf:/etc/nginx/conf.d/default.conf:ro']);
    expect(conf).toMatch(/resolver 127\.0\.0\.11/);
    expect(conf).toMatch(/location \/webhooks\/ \{[^}]*set \$gateway gateway;[^}]*proxy_pass http:\/\/\$gateway:3000;/);
    expect(conf).toMatch(/location \/ \{[^}]*set \$api api;[^}]*proxy_pass http:\/\/\$api:3001;/);
    expect(Object.keys(services.edge.depends_on ?? {}).sort()).toEqual(['api', 'gateway']);
  });
});

describe('docker/Dockerfile', () => {
  it('the final image is production, runs as node, and its default command is a built app', () => {
    const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(finalStage).toMatch(/^ENV NODE_ENV=production\b/m);
    expect(finalStage).toMatch(/^USER node$/m);
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(finalStage)![1]) as string[];
    expect(scriptOf(cmd)).toBe('dist/apps/api/src/main.js');
    expectImageHolds(scriptOf(cmd));
    expect(finalStage).not.toMatch(/^HEALTHCHECK/m); // per service, in docker-compose.yml
  });

  it('builds what the services run: Prisma client, then the TypeScript build', () => {
    expect(dockerfile).toMatch(/^RUN node tools\/db\.js generate && npm run build/m);
    for (const needed of ['dist', 'node_modules', 'prisma', 'tools', 'docker/healthcheck.js']) expect(copiedIntoImage).toContain(needed);
  });

  it('.dockerignore keeps local builds and secrets out of the build context', () => {
    const ignored = fs
      .readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    for (const entry of ['node_modules', 'dist', '.git', '.env', '.env.*', 'libs/db/src/generated']) expect(ignored).toContain(entry);
  });
});

/** `docker-compose` (v1 or the standalone v2), or `docker compose` (the plugin). */
function composeCommand(): string[] | undefined {
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) return ['docker-compose'];
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) return ['docker', 'compose'];
  return undefined;
}
const compose = composeCommand();

describe('docker compose config', () => {
  const name = compose
    ? `${compose.join(' ')} config -q accepts the file (with the secrets set)`
    : 'docker-compose config -q accepts the file (skipped: no docker-compose binary on PATH)';
  (compose ? it : it.skip)(name, () => {
    const [bin, ...args] = compose!;
    const scaled = { GATEWAY_PORTS: '127.0.0.1:3010-3019', API_PORTS: '127.0.0.1:3020-3029', REDIS_URL: 'redis+cluster://r1:6379,r2:6379,r3:6379' };
    for (const [profile, extra] of [
      [[], {}],
      [['--profile', 'dev'], {}],
      [['--profile', 'monitoring'], {}],
      [['--profile', 'scale'], scaled],
    ] as const) {
      execFileSync(bin, [...args, '-f', path.join(ROOT, 'docker-compose.yml'), ...profile, 'config', '-q'], {
        env: { ...process.env, ...DEPLOY_ENV, ...extra },
        stdio: 'pipe',
      });
    }
  });
});
