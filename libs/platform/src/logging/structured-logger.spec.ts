import { Writable } from 'node:stream';
import { maskResidentIdsInText } from '@urrbmi/domain';
import { StructuredLogger } from './structured-logger';

/** A logger writing its JSON lines into `lines`. */
function capture(): { logger: StructuredLogger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: new StructuredLogger('test-service', 'info', sink), lines };
}

describe('structured logger', () => {
  it('writes JSON lines with every resident ID number masked, in messages, fields and errors', () => {
    const { logger, lines } = capture();
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

  it('masks flat fields (the fast path) exactly as the JSON text would be masked', () => {
    const { logger, lines } = capture();
    const cases: object[] = [
      { method: 'POST', route: '/v1/enrollments', status: 201, ms: 12, holder: null },
      { glued: '第3行11010519491231002X1', encoded: '%36%32%30%37%32%35199001011234', x: 'abc' },
      { wide: '６２０７２５１９９００１０１１２３４', math: '𝟔𝟐𝟎𝟕𝟐𝟓199001011234', ok: true },
      { quote: 'a"620725199001011234', ctl: 'x\n620725199001011234' },
      { '620725199001011234': 'key', n: -0.5, nan: NaN, gone: undefined },
    ];
    for (const fields of cases) logger.info('m', fields);
    lines.forEach((line, i) => {
      const { level, time, service, message, ...rest } = JSON.parse(line) as Record<string, unknown>;
      expect({ level, service, message, time: typeof time }).toEqual({
        level: 30,
        service: 'test-service',
        message: 'm',
        time: 'string',
      });
      expect(rest).toEqual(JSON.parse(maskResidentIdsInText(JSON.stringify(cases[i]))));
    });
    expect(lines.join('')).not.toMatch(/19900101|19491231/);
  });

  it('masks an ID number sent as a JSON number instead of throwing, nested or flat', () => {
    const { logger, lines } = capture();
    logger.info('m', { idNumber: 620725199001011234, small: 12 });
    logger.info('m', { body: { idNumber: 110105194912310020, list: [620725199001011234] } });
    const [flat, nested] = lines.map((l) => JSON.parse(l));
    expect(flat).toMatchObject({ idNumber: '620725********1200', small: 12 });
    expect(nested.body).toEqual({ idNumber: '110105********0020', list: ['620725********1200'] });
    expect(lines.join('')).not.toMatch(/19900101|19491231/);
  });
});
