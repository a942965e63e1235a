/**
 * Every error a user can meet carries a stable code, the thing that failed and a hint that
 * says what to do. The CLI prints these three and exits non-zero; nothing logs and rethrows.
 */
export class LabError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LabError';
  }

  /** One or two lines a person reads: "error [CODE]: message\n  hint: …". */
  describe(): string {
    return `error [${this.code}]: ${this.message}` + (this.hint ? `\n  hint: ${this.hint}` : '');
  }
}

export function isLabError(e: unknown): e is LabError {
  return e instanceof LabError;
}
