import { readFileSync } from 'node:fs';
import type { SASLOptions } from 'kafkajs';
import type { ConnectionOptions } from 'node:tls';

/**
 * How the services reach a broker that is not on a private network: TLS (optionally with a client
 * certificate) and SASL (PLAIN or SCRAM). Read from the environment and checked at boot with the
 * other settings, so a half-configured deployment stops naming the setting instead of connecting
 * in clear or retrying forever. Secrets are read from files where a platform mounts them.
 *
 * | setting                                        | meaning                                                        |
 * | ---------------------------------------------- | -------------------------------------------------------------- |
 * | `KAFKA_SSL`                                     | `true`: TLS to every broker (default `false`)                  |
 * | `KAFKA_SSL_CA_FILE`                             | PEM of the CA that signed the brokers (default: system CAs)    |
 * | `KAFKA_SSL_CERT_FILE`, `KAFKA_SSL_KEY_FILE`     | client certificate and key (mutual TLS), both or neither       |
 * | `KAFKA_SASL_MECHANISM`                          | `plain`, `scram-sha-256` or `scram-sha-512`                    |
 * | `KAFKA_SASL_USERNAME`                           | with a mechanism                                               |
 * | `KAFKA_SASL_PASSWORD` or `KAFKA_SASL_PASSWORD_FILE` | exactly one, with a mechanism                              |
 */
export interface KafkaSecurity {
  ssl?: boolean | ConnectionOptions;
  sasl?: SASLOptions;
}

export interface SettingProblem {
  setting: string;
  problem: string;
}

export const KAFKA_SECURITY_SETTINGS = [
  'KAFKA_SSL',
  'KAFKA_SSL_CA_FILE',
  'KAFKA_SSL_CERT_FILE',
  'KAFKA_SSL_KEY_FILE',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
  'KAFKA_SASL_PASSWORD_FILE',
] as const;

const MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
type Mechanism = (typeof MECHANISMS)[number];

type ReadFile = (path: string) => string;
const readUtf8: ReadFile = (p) => readFileSync(p, 'utf8');

/** Reads and checks the Kafka security settings; every problem is named, no value is echoed. */
export function parseKafkaSecurity(
  env: NodeJS.ProcessEnv,
  readFile: ReadFile = readUtf8,
): { security: KafkaSecurity; problems: SettingProblem[] } {
  const problems: SettingProblem[] = [];
  const get = (name: (typeof KAFKA_SECURITY_SETTINGS)[number]) => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const file = (name: (typeof KAFKA_SECURITY_SETTINGS)[number], mustContain: RegExp, what: string) => {
    const path = get(name);
    if (path === undefined) return undefined;
    let text: string;
    try {
      text = readFile(path);
    } catch (e) {
      problems.push({
        setting: name,
        problem: `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      });
      return undefined;
    }
    if (!mustContain.test(text)) {
      problems.push({ setting: name, problem: `${path} is not ${what}` });
      return undefined;
    }
    return text;
  };

  const sslText = get('KAFKA_SSL') ?? 'false';
  if (!['true', 'false'].includes(sslText))
    problems.push({ setting: 'KAFKA_SSL', problem: 'KAFKA_SSL must be true or false' });
  const ssl = sslText === 'true';
  const ca = file('KAFKA_SSL_CA_FILE', /-----BEGIN CERTIFICATE-----/, 'a PEM certificate');
  const cert = file('KAFKA_SSL_CERT_FILE', /-----BEGIN CERTIFICATE-----/, 'a PEM certificate');
  const key = file('KAFKA_SSL_KEY_FILE', /-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a PEM private key');
  for (const name of ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const)
    if (get(name) !== undefined && !ssl)
      problems.push({ setting: name, problem: `${name} is set but KAFKA_SSL is not true` });
  if ((get('KAFKA_SSL_CERT_FILE') === undefined) !== (get('KAFKA_SSL_KEY_FILE') === undefined))
    problems.push({
      setting: 'KAFKA_SSL_CERT_FILE',
      problem: 'KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together (mutual TLS)',
    });

  const mechanismText = get('KAFKA_SASL_MECHANISM')?.toLowerCase();
  const mechanism = mechanismText as Mechanism | undefined;
  if (mechanismText !== undefined && !(MECHANISMS as readonly string[]).includes(mechanismText))
    problems.push({
      setting: 'KAFKA_SASL_MECHANISM',
      problem: `KAFKA_SASL_MECHANISM must be one of ${MECHANISMS.join(', ')}`,
    });
  const username = get('KAFKA_SASL_USERNAME');
  const inline = env.KAFKA_SASL_PASSWORD;
  const passwordFile = get('KAFKA_SASL_PASSWORD_FILE');
  let password: string | undefined = inline === undefined || inline === '' ? undefined : inline;
  if (passwordFile !== undefined) {
    try {
      password = readFile(passwordFile).replace(/\r?\n$/, '');
    } catch (e) {
      problems.push({
        setting: 'KAFKA_SASL_PASSWORD_FILE',
        problem: `cannot read ${passwordFile} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      });
    }
  }
  if (mechanismText === undefined) {
    for (const name of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'KAFKA_SASL_PASSWORD_FILE'] as const)
      if (get(name) !== undefined)
        problems.push({ setting: name, problem: `${name} is set but KAFKA_SASL_MECHANISM is not` });
  } else {
    if (username === undefined)
      problems.push({
        setting: 'KAFKA_SASL_USERNAME',
        problem: 'KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME',
      });
    if (inline !== undefined && inline !== '' && passwordFile !== undefined)
      problems.push({
        setting: 'KAFKA_SASL_PASSWORD',
        problem: 'set KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both',
      });
    else if (password === undefined || password === '')
      problems.push({
        setting: 'KAFKA_SASL_PASSWORD',
        problem: 'KAFKA_SASL_MECHANISM needs KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE',
      });
    if (mechanism === 'plain' && !ssl)
      problems.push({
        setting: 'KAFKA_SASL_MECHANISM',
        problem: 'SASL PLAIN sends the password in clear: set KAFKA_SSL=true (or use scram-sha-512)',
      });
  }

  if (problems.length > 0) return { security: {}, problems };
  const security: KafkaSecurity = {};
  if (ssl) security.ssl = ca || cert ? { ...(ca ? { ca } : {}), ...(cert ? { cert, key } : {}) } : true;
  if (mechanism !== undefined)
    security.sasl = { mechanism, username: username!, password: password! } as SASLOptions;
  return { security, problems };
}
