import { ConfigError, loadConfig } from '../src/config';

describe('loadConfig', () => {
  test('defaults', () => {
    expect(loadConfig({}, '1.2.3')).toEqual({
      port: 3000, host: '0.0.0.0', logLevel: 'info', version: '1.2.3', shutdownTimeoutMs: 8000, responseDelayMs: 0,
    });
  });

  test('reads PORT, HOST, LOG_LEVEL and APP_VERSION', () => {
    const c = loadConfig({ PORT: '8080', HOST: '127.0.0.1', LOG_LEVEL: 'DEBUG', APP_VERSION: 'abc' }, '1');
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', logLevel: 'debug', version: 'abc' });
  });

  test.each([['abc'], ['80.5'], ['-1'], ['70000'], ['3000abc']])('rejects PORT=%s with a message naming the variable', (port) => {
    expect(() => loadConfig({ PORT: port }, '1')).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: port }, '1')).toThrow(`Invalid PORT="${port}": expected an integer from 0 to 65535`);
  });

  test('rejects an unknown LOG_LEVEL', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'loud' }, '1')).toThrow(/Invalid LOG_LEVEL="loud": expected one of fatal, error/);
  });
});
