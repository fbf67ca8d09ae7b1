/**
 * A refusal the caller can act on: a stable `code` clients may switch on, the HTTP status it maps
 * to, a message for people, and optional details (e.g. the conflicting record).
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 422,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
