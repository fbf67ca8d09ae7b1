import { ArgumentsHost, NotFoundException } from '@nestjs/common';
import { ApiExceptionFilter } from './api-exception.filter';

const quiet = { log: () => undefined, error: () => undefined, warn: () => undefined };

function response(headersSent: boolean) {
  const sent: { status?: number; body?: unknown; destroyed: boolean; headers?: Record<string, string> } = {
    destroyed: false,
  };
  const res = {
    headersSent,
    setHeader(name: string, value: string) {
      sent.headers = { ...sent.headers, [name]: value };
    },
    status(n: number) {
      sent.status = n;
      return { json: (b: unknown) => void (sent.body = b) };
    },
    destroy() {
      sent.destroyed = true;
    },
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getResponse: () => res }),
  } as unknown as ArgumentsHost;
  return { host, sent };
}

describe('ApiExceptionFilter', () => {
  it('answers an error before anything was sent in the one error shape', () => {
    const { host, sent } = response(false);
    new ApiExceptionFilter(quiet).catch(new NotFoundException('no feed x'), host);
    expect(sent).toEqual({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', message: 'no feed x' },
      destroyed: false,
    });
  });

  it.each([
    ['a pool that could not hand out a connection', new Error('timeout exceeded when trying to connect')],
    ['a deadlock', Object.assign(new Error('deadlock detected'), { code: '40P01' })],
    [
      'the database restarting',
      Object.assign(new Error('the database system is shutting down'), { code: '57P01' }),
    ],
  ])('answers %s with 503, Retry-After and a code a client can retry on', (_, error) => {
    const { host, sent } = response(false);
    new ApiExceptionFilter(quiet).catch(error, host);
    expect(sent.status).toBe(503);
    expect(sent.headers).toEqual({ 'Retry-After': '5' });
    expect(sent.body).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      details: { code: 'DATABASE_UNAVAILABLE' },
    });
  });

  it('keeps 500 with an error id for anything else', () => {
    const { host, sent } = response(false);
    new ApiExceptionFilter(quiet).catch(
      Object.assign(new Error('null value in column "name"'), { code: '23502' }),
      host,
    );
    expect(sent.status).toBe(500);
    expect(sent.headers).toBeUndefined();
    expect((sent.body as { details: { errorId: string } }).details.errorId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('cuts a streamed answer that fails half-way, so the client sees a broken download instead of waiting', () => {
    const { host, sent } = response(true);
    new ApiExceptionFilter(quiet).catch(new Error('connection terminated'), host);
    expect(sent).toEqual({ destroyed: true });
  });
});
