#!/usr/bin/env node
/**
 * Container healthcheck with nothing but node (the image has no curl):
 *   node docker/healthcheck.js http://127.0.0.1:3000/ready   healthy when the URL answers 2xx within 3 s
 *   node docker/healthcheck.js file <path> <max-age-seconds>  healthy when the file was touched that recently
 * (worker apps touch HEALTH_FILE while they consume and Redis answers). Exit 0 healthy, 1 not.
 */
const fs = require('node:fs');

async function check([mode, target, maxAge]) {
  if (mode === 'file') {
    const limitMs = Number(maxAge) * 1000;
    if (!target || !(limitMs > 0)) throw new Error('usage: healthcheck.js file <path> <max-age-seconds>');
    const ageMs = Date.now() - fs.statSync(target).mtimeMs;
    if (ageMs > limitMs) throw new Error(`${target} is ${Math.round(ageMs / 1000)} s old (limit ${maxAge} s)`);
    return `${target} touched ${Math.round(ageMs / 1000)} s ago`;
  }
  if (mode && /^https?:\/\//.test(mode)) {
    const res = await fetch(mode, { signal: AbortSignal.timeout(3000) });
    if (res.status < 200 || res.status >= 300) throw new Error(`${mode} answered ${res.status}`);
    return `${mode} answered ${res.status}`;
  }
  throw new Error('usage: healthcheck.js <http(s)://url> | file <path> <max-age-seconds>');
}

check(process.argv.slice(2)).then(
  (ok) => {
    console.log(ok);
    process.exit(0);
  },
  (e) => {
    console.error(`unhealthy: ${e.message}`);
    process.exit(1);
  },
);
