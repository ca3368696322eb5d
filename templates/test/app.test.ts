// The app served for real on loopback: routes, JSON errors, one log line per request and none per health check.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HEALTH_PATH, serveApp } from './helpers.js';

describe('app', () => {
  let served: Awaited<ReturnType<typeof serveApp>>;
  before(async () => {
    served = await serveApp();
  });
  after(() => served.close());

  it('answers / with the service name and version', async () => {
    const res = await fetch(`${served.url}/`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { service: 'test-app', version: '1.2.3' });
    assert.equal(res.headers.get('x-powered-by'), null);
  });

  it('answers unknown paths with a JSON 404', async () => {
    const res = await fetch(`${served.url}/no-such-path`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: 'not found' });
  });

  it('logs one JSON line per request', async () => {
    const before = served.logs.length;
    await (await fetch(`${served.url}/no-such-path?x=1`)).text();
    await new Promise((resolve) => setImmediate(resolve));
    const lines = served.logs.slice(before);
    assert.equal(lines.length, 1);
    assert.equal(lines[0].message, 'request');
    assert.equal(lines[0].level, 'info');
    assert.deepEqual(lines[0].req, { method: 'GET', path: '/no-such-path?x=1' });
    assert.deepEqual(lines[0].res, { status: 404 });
    assert.equal(typeof lines[0].durationMs, 'number');
    assert.equal(typeof lines[0].time, 'string');
  });

  it('logs no line per health check, but one when the health status changes', async () => {
    const before = served.logs.length;
    for (let i = 0; i < 3; i++) await (await fetch(`${served.url}${HEALTH_PATH}`)).text();
    served.health.startDraining();
    for (let i = 0; i < 2; i++) await (await fetch(`${served.url}${HEALTH_PATH}`)).text();
    const lines = served.logs.slice(before);
    assert.deepEqual(lines.map((l) => [l.message, l.status]), [['health', 'ok'], ['health', 'draining']]);
  });
});
