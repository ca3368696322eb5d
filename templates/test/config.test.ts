// The configuration: generated defaults, environment overrides and clear errors for bad values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, ENVIRONMENT, FORCED_EXIT_LEAD_SECONDS, GENERATED, REQUIRED_SECRETS, loadConfig, loadSettings } from '../src/config.js';

describe('loadConfig', () => {
  it('uses the generated values when the environment sets nothing', () => {
    const config = loadConfig({}, '0.1.0');
    assert.equal(config.port, GENERATED.port);
    assert.equal(config.healthCheckPath, GENERATED.healthCheckPath);
    assert.equal(config.drainMs, GENERATED.drainSeconds * 1000);
    assert.equal(config.forcedExitMs, (GENERATED.stopTimeoutSeconds - FORCED_EXIT_LEAD_SECONDS) * 1000);
    assert.equal(config.version, '0.1.0');
  });

  it('keeps connections open longer than the load balancer (60 s idle timeout)', () => {
    const config = loadConfig({});
    assert.ok(config.keepAliveTimeoutMs > 60_000);
    assert.ok(config.headersTimeoutMs > config.keepAliveTimeoutMs);
  });

  it('takes overrides from the environment', () => {
    const config = loadConfig({ PORT: '8181', DRAIN_SECONDS: '1', STOP_TIMEOUT_SECONDS: '4', APP_VERSION: 'abc123' });
    assert.deepEqual([config.port, config.drainMs, config.forcedExitMs, config.version], [8181, 1000, 2000, 'abc123']);
  });

  it('takes fractions of a second for the shutdown times (rehearsals scale them down)', () => {
    const config = loadConfig({ DRAIN_SECONDS: '2.8', STOP_TIMEOUT_SECONDS: '5.3' });
    assert.deepEqual([config.drainMs, config.forcedExitMs], [2800, 3300]);
  });

  it('rejects values out of range or not numbers, naming the variable', () => {
    assert.throws(() => loadConfig({ PORT: 'http' }), (e: unknown) => e instanceof ConfigError && e.message.includes('PORT must be an integer'));
    assert.throws(() => loadConfig({ PORT: '80.5' }), /PORT must be an integer/);
    assert.throws(() => loadConfig({ DRAIN_SECONDS: '-1' }), /DRAIN_SECONDS must be a number from 0/);
    assert.throws(() => loadConfig({ DRAIN_SECONDS: 'soon' }), /DRAIN_SECONDS must be a number from 0/);
  });

  it('reads --env values with their generated defaults and refuses to start without a secret, naming it', () => {
    const secrets = Object.fromEntries(REQUIRED_SECRETS.map((name) => [name, 'test-value']));
    assert.deepEqual(Object.keys(loadSettings(secrets)).sort(), [...Object.keys(ENVIRONMENT), ...REQUIRED_SECRETS].sort());
    for (const name of REQUIRED_SECRETS) {
      const withoutOne = Object.fromEntries(Object.entries(secrets).filter(([other]) => other !== name));
      assert.throws(() => loadSettings(withoutOne), (e: unknown) => e instanceof ConfigError && e.message.includes(name));
    }
  });

  it('rejects a stop timeout that leaves no time after the drain', () => {
    assert.throws(() => loadConfig({ DRAIN_SECONDS: '30', STOP_TIMEOUT_SECONDS: '31' }), /STOP_TIMEOUT_SECONDS \(31\) must exceed DRAIN_SECONDS \(30\)/);
  });
});
