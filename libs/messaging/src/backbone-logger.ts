/** The few log calls the backbone makes; the platform's structured logger implements it. */
export interface BackboneLogger {
  info(message: string, fields?: object): void;
  warn(message: string, fields?: object): void;
  error(message: string, fields?: object): void;
}

export const silentLogger: BackboneLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
