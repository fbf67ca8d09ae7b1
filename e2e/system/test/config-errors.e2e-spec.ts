import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnService } from './support/services';

describe('a missing or invalid setting', () => {
  it.each([
    ['KAFKA_PARTITIONS', 'many', 'KAFKA_PARTITIONS: KAFKA_PARTITIONS must be an integer'],
    ['KAFKA_BROKERS', 'localhost', 'KAFKA_BROKERS: KAFKA_BROKERS must be host:port[,host:port...]'],
    ['DATABASE_URL', 'mysql://x', 'DATABASE_URL: DATABASE_URL must be a postgres:// URL'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL: LOG_LEVEL must be one of the following values'],
  ])('stops the service at boot when %s=%s, naming it', async (setting, value, expected) => {
    const svc = spawnService('refund-service', 14300, { [setting]: value });
    const code = await new Promise<number | null>((resolve) => svc.child.once('exit', resolve));
    expect(code).toBe(1);
    expect(svc.output()).toContain(`[refund-service] invalid configuration: ${expected}`);
  });

  it('stops the service at boot when a policy file is malformed, naming the file and the field', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bad-policy-'));
    writeFileSync(path.join(dir, '620725-2023.yaml'), 'id: 620725-2023\nseason: twenty\n');
    const svc = spawnService('refund-service', 14300, { POLICY_DIR: dir });
    const code = await new Promise<number | null>((resolve) => svc.child.once('exit', resolve));
    expect(code).toBe(1);
    expect(svc.output()).toContain(
      `[refund-service] ${path.join(dir, '620725-2023.yaml')}: season: season must be an integer number`,
    );
  });
});
