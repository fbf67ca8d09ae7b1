import { parseKafkaSecurity } from './kafka-security';

const PEM_CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const PEM_KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';
const FILES: Record<string, string> = {
  '/run/ca.pem': PEM_CERT,
  '/run/client.pem': PEM_CERT,
  '/run/client.key': PEM_KEY,
  '/run/password': 's3cret-from-file\n',
  '/run/not-a-cert': 'hello',
};
function readFile(path: string): string {
  const text = FILES[path];
  if (text === undefined) throw Object.assign(new Error(`ENOENT ${path}`), { code: 'ENOENT' });
  return text;
}
const parse = (env: NodeJS.ProcessEnv) => parseKafkaSecurity(env, readFile);
const settings = (env: NodeJS.ProcessEnv) =>
  parse(env)
    .problems.map((p) => p.setting)
    .sort();

describe('Kafka TLS and SASL settings', () => {
  it('is plaintext without settings, as on the private network of a county', () => {
    expect(parse({})).toEqual({ security: {}, problems: [] });
    expect(parse({ KAFKA_SSL: 'false', KAFKA_SASL_MECHANISM: '' })).toEqual({ security: {}, problems: [] });
  });

  it('turns on TLS with the system CAs, a CA file, and a client certificate', () => {
    expect(parse({ KAFKA_SSL: 'true' }).security).toEqual({ ssl: true });
    expect(parse({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/run/ca.pem' }).security).toEqual({
      ssl: { ca: PEM_CERT },
    });
    expect(
      parse({
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: '/run/ca.pem',
        KAFKA_SSL_CERT_FILE: '/run/client.pem',
        KAFKA_SSL_KEY_FILE: '/run/client.key',
      }).security,
    ).toEqual({ ssl: { ca: PEM_CERT, cert: PEM_CERT, key: PEM_KEY } });
  });

  it('takes SASL SCRAM and PLAIN (over TLS) with the password inline or from a file', () => {
    expect(
      parse({
        KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        KAFKA_SASL_USERNAME: 'enrollment-service',
        KAFKA_SASL_PASSWORD: 'pw',
      }).security,
    ).toEqual({ sasl: { mechanism: 'scram-sha-512', username: 'enrollment-service', password: 'pw' } });
    expect(
      parse({
        KAFKA_SSL: 'true',
        KAFKA_SASL_MECHANISM: 'plain',
        KAFKA_SASL_USERNAME: 'u',
        KAFKA_SASL_PASSWORD_FILE: '/run/password',
      }).security,
    ).toEqual({ ssl: true, sasl: { mechanism: 'plain', username: 'u', password: 's3cret-from-file' } });
  });

  it.each([
    [{ KAFKA_SSL: 'yes' }, ['KAFKA_SSL']],
    [{ KAFKA_SSL_CA_FILE: '/run/ca.pem' }, ['KAFKA_SSL_CA_FILE']],
    [{ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/run/missing.pem' }, ['KAFKA_SSL_CA_FILE']],
    [{ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/run/not-a-cert' }, ['KAFKA_SSL_CA_FILE']],
    [{ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: '/run/client.pem' }, ['KAFKA_SSL_CERT_FILE']],
    [
      { KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: '/run/client.pem', KAFKA_SSL_KEY_FILE: '/run/ca.pem' },
      ['KAFKA_SSL_KEY_FILE'],
    ],
    [
      { KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' },
      ['KAFKA_SASL_MECHANISM'],
    ],
    [{ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_PASSWORD: 'p' }, ['KAFKA_SASL_USERNAME']],
    [{ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'u' }, ['KAFKA_SASL_PASSWORD']],
    [
      {
        KAFKA_SASL_MECHANISM: 'scram-sha-256',
        KAFKA_SASL_USERNAME: 'u',
        KAFKA_SASL_PASSWORD: 'p',
        KAFKA_SASL_PASSWORD_FILE: '/run/password',
      },
      ['KAFKA_SASL_PASSWORD'],
    ],
    [
      {
        KAFKA_SASL_MECHANISM: 'scram-sha-256',
        KAFKA_SASL_USERNAME: 'u',
        KAFKA_SASL_PASSWORD_FILE: '/run/nope',
      },
      ['KAFKA_SASL_PASSWORD', 'KAFKA_SASL_PASSWORD_FILE'],
    ],
    [
      { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' },
      ['KAFKA_SASL_MECHANISM'],
    ],
    [{ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, ['KAFKA_SASL_PASSWORD', 'KAFKA_SASL_USERNAME']],
  ])('refuses %j naming %j', (env, named) => {
    const { security, problems } = parse(env);
    expect(settings(env)).toEqual(named);
    expect(security).toEqual({});
    // A password never appears in a problem.
    expect(JSON.stringify(problems)).not.toMatch(/\bp\b|s3cret/);
  });
});
