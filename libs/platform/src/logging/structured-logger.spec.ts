import { Writable } from 'node:stream';
import { StructuredLogger } from './structured-logger';

describe('structured logger', () => {
  it('writes JSON lines with every resident ID number masked, in messages, fields and errors', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = new StructuredLogger('test-service', 'info', sink);
    logger.info('registered 620725199001011234', {
      person: { id: '11010519491231002X' },
      list: ['620725199001011234'],
    });
    logger.error('failed', { error: new Error('duplicate 620725199001011234') });
    const [a, b] = lines.map((l) => JSON.parse(l));
    expect(a).toMatchObject({
      service: 'test-service',
      message: 'registered 620725********1234',
      person: { id: '110105********002X' },
      list: ['620725********1234'],
    });
    expect(b.error.message).toBe('duplicate 620725********1234');
    expect(lines.join('')).not.toMatch(/19900101|19491231/);
  });
});
