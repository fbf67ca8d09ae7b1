import { ArgumentsHost, NotFoundException } from '@nestjs/common';
import { ApiExceptionFilter } from './api-exception.filter';

const quiet = { log: () => undefined, error: () => undefined, warn: () => undefined };

function response(headersSent: boolean) {
  const sent: { status?: number; body?: unknown; destroyed: boolean } = { destroyed: false };
  const res = {
    headersSent,
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

  it('cuts a streamed answer that fails half-way, so the client sees a broken download instead of waiting', () => {
    const { host, sent } = response(true);
    new ApiExceptionFilter(quiet).catch(new Error('connection terminated'), host);
    expect(sent).toEqual({ destroyed: true });
  });
});
