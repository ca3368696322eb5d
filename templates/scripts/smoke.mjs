#!/usr/bin/env node
// Smoke test of a deployed environment: `npm run smoke -- URL` (or `node scripts/smoke.mjs URL`).
// The pipeline runs it against each environment it has just deployed, before the same image goes to the next one: a
// failure stops the run and nothing is promoted. Node's built-ins only, so it runs without npm install or a build.
//
//   URL                     the environment's address, e.g. http://orders-api-staging-123.eu-west-1.elb.amazonaws.com
//   SMOKE_ATTEMPTS          attempts before giving up (default 10); an attempt passes when every check passes
//   SMOKE_INTERVAL_SECONDS  pause between two attempts (default 6): a new deployment may still be settling
//   SMOKE_TIMEOUT_SECONDS   bound on each request, connect to last byte (default 5)
// Exit code: 0 every check passed in one attempt, 1 still failing after the last attempt, 2 bad usage.
// The whole run is bounded: attempts x timeout + (attempts - 1) x interval, printed before the first attempt.
import { Buffer } from 'node:buffer';
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { URL } from 'node:url';

/** The path the load balancer's health check calls (healthCheckPath when the repository was generated). */
const HEALTH_PATH = <%- JSON.stringify(healthCheckPath) %>;

// ----------------------------------------------------------------------------------------------------------------
// The checks: add yours to this list (like Copilot's test_commands). Each is one GET of `path` on the URL (a path
// prefix of the URL is kept). It passes when `expect` returns true; without `expect`, when the status is 2xx.
// `expect` gets { status, headers, body } (body as text, at most 1 MiB) and may throw to say why it failed.
// Every check of an attempt runs at the same time; redirects are not followed (a 3xx is not a pass, as for the
// load balancer's health check): pass the final URL.
const CHECKS = [
  { name: 'health', path: HEALTH_PATH },
  { name: 'root', path: '/' },
  // { name: 'orders', path: '/orders?limit=1', expect: (res) => res.status === 200 && Array.isArray(JSON.parse(res.body)) },
];
// ----------------------------------------------------------------------------------------------------------------

const USAGE = 'usage: node scripts/smoke.mjs URL   (npm run smoke -- URL; URL starts with http:// or https://)';
const MAX_BODY_BYTES = 1024 * 1024;

/** Exit 2 with one clear line. */
function usage(message) {
  process.stderr.write(`smoke: ${message}\n${USAGE}\n`);
  process.exitCode = 2;
}

/** A whole number of at least `min` from the environment, or the default; undefined (after a usage line) if invalid. */
function setting(name, fallback, min) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (Number.isInteger(value) && value >= min && value <= 3600) return value;
  usage(`${name} must be a whole number from ${String(min)} to 3600, got ${JSON.stringify(raw)}`);
  return undefined;
}

function parseUrl(args) {
  if (args.length !== 1) {
    usage(args.length === 0 ? 'no URL given' : `one URL expected, got ${String(args.length)} arguments`);
    return undefined;
  }
  let url;
  try {
    url = new URL(args[0]);
  } catch {
    usage(`not a URL: ${JSON.stringify(args[0])}`);
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    usage(`the URL must start with http:// or https://, got ${JSON.stringify(args[0])}`);
    return undefined;
  }
  return url;
}

/** One GET with a bound on the whole exchange; resolves with the answer or rejects (never hangs past timeoutMs). */
function get(url, timeoutMs) {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    // A fresh connection each time (no keep-alive agent): every attempt sees the balancer as a new client does.
    const req = client.get(url, { agent: false, headers: { 'user-agent': 'smoke.mjs' } }, (res) => {
      const chunks = [];
      let size = 0;
      res.on('data', (chunk) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
      // Cut short (the timeout below, or the server): rejects; after 'end' this changes nothing.
      res.on('close', () => {
        if (!res.complete) reject(new Error('the connection closed before the answer ended'));
      });
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${String(timeoutMs / 1000)} s`)), timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** The URL of a check: the check's path after the base URL's own path prefix (if any). */
function urlOf(base, path) {
  return new URL(base.pathname.replace(/\/+$/, '') + path, base);
}

/** Runs one check; resolves with a short description and whether it passed (never rejects). */
async function runCheck(base, check, timeoutMs) {
  const started = performance.now();
  const ms = () => `${String(Math.round(performance.now() - started))} ms`;
  try {
    const res = await get(urlOf(base, check.path), timeoutMs);
    const passed = check.expect ? Boolean(check.expect(res)) : res.status >= 200 && res.status < 300;
    const detail = passed ? '' : ` ${res.body.replace(/\s+/g, ' ').slice(0, 120)}`;
    return { passed, text: `${check.name} ${String(res.status)} (${ms()})${detail}` };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { passed: false, text: `${check.name} failed (${ms()}): ${message}` };
  }
}

async function main() {
  const base = parseUrl(process.argv.slice(2));
  if (!base) return;
  const attempts = setting('SMOKE_ATTEMPTS', 10, 1);
  const intervalSeconds = setting('SMOKE_INTERVAL_SECONDS', 6, 0);
  const timeoutSeconds = setting('SMOKE_TIMEOUT_SECONDS', 5, 1);
  if (attempts === undefined || intervalSeconds === undefined || timeoutSeconds === undefined) return;
  const boundSeconds = attempts * timeoutSeconds + (attempts - 1) * intervalSeconds;
  const names = CHECKS.map((c) => `${c.name} ${c.path}`).join(', ');
  process.stdout.write(
    `smoke: ${base.href}: ${String(CHECKS.length)} checks (${names}), up to ${String(attempts)} attempts ` +
      `${String(intervalSeconds)} s apart, ${String(timeoutSeconds)} s timeout each: at most ${String(boundSeconds)} s\n`,
  );
  const started = performance.now();
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const results = await Promise.all(CHECKS.map((check) => runCheck(base, check, timeoutSeconds * 1000)));
    const passed = results.every((r) => r.passed);
    process.stdout.write(
      `smoke: attempt ${String(attempt)}/${String(attempts)}: ${results.map((r) => r.text).join('; ')}: ${passed ? 'pass' : 'fail'}\n`,
    );
    const elapsed = `${((performance.now() - started) / 1000).toFixed(1)} s`;
    if (passed) {
      process.stdout.write(`smoke: PASS ${base.href} (attempt ${String(attempt)} of ${String(attempts)}, ${elapsed})\n`);
      return;
    }
    if (attempt === attempts) {
      process.stdout.write(`smoke: FAIL ${base.href} (${String(attempts)} attempts, ${elapsed}): a check still failed on the last attempt\n`);
      process.exitCode = 1;
      return;
    }
    await sleep(intervalSeconds * 1000);
  }
}

await main();
