import { LogEntry } from './options';

/**
 * Structured JSON logs that never carry a secret: every registered secret (the HMAC key, each run's
 * access token) is replaced wherever it appears, and fields named like credentials are dropped.
 */
export class Logger {
  /** Secret -> how many running tasks registered it (two runs may share a token in tests). */
  private readonly secrets: Map<string, number> = new Map();

  constructor(
    private readonly sink: (entry: LogEntry) => void,
    private readonly now: () => number,
    private readonly context: Record<string, unknown> = {},
    secrets?: Map<string, number>,
  ) {
    if (secrets) this.secrets = secrets;
  }

  public addSecret(secret: string): void {
    if (secret) this.secrets.set(secret, (this.secrets.get(secret) ?? 0) + 1);
  }

  public removeSecret(secret: string): void {
    const count = (this.secrets.get(secret) ?? 0) - 1;
    if (count > 0) this.secrets.set(secret, count);
    else this.secrets.delete(secret);
  }

  public child(context: Record<string, unknown>): Logger {
    return new Logger(this.sink, this.now, { ...this.context, ...context }, this.secrets);
  }

  public info(msg: string, fields: Record<string, unknown> = {}): void {
    this.write('info', msg, fields);
  }

  public warn(msg: string, fields: Record<string, unknown> = {}): void {
    this.write('warn', msg, fields);
  }

  public error(msg: string, fields: Record<string, unknown> = {}): void {
    this.write('error', msg, fields);
  }

  private write(level: LogEntry['level'], msg: string, fields: Record<string, unknown>): void {
    const entry = { time: new Date(this.now()).toISOString(), level, msg, ...this.context, ...fields };
    this.sink(this.redact(entry) as LogEntry);
  }

  /** A copy without credential-named fields and with every registered secret replaced in strings. */
  private redact(value: unknown): unknown {
    if (typeof value === 'string') {
      let text = value;
      for (const secret of this.secrets.keys()) text = text.split(secret).join('[redacted]');
      return text;
    }
    if (Array.isArray(value)) return value.map((v) => this.redact(v));
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([key]) => !/token|secret|password|authorization|hmac/i.test(key))
          .map(([key, v]) => [key, this.redact(v)]),
      );
    }
    return value;
  }
}
