// Errors raised while templating. Messages follow Jinja2/Ansible wording so a
// user sees the same text ansible-playbook would print.

/** A variable, attribute or item that templating needed is missing. */
export class UndefinedVariableError extends Error {
  constructor(
    message: string,
    readonly variable: string,
  ) {
    super(message);
    this.name = 'UndefinedVariableError';
  }
}

/** A template that cannot be parsed or evaluated (syntax errors, bad filter arguments...). */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** What Python raises as a TypeError (1 + 'a', [1] < 'a'): Ansible names the template around it. */
export class PyTypeError extends TemplateError {
  constructor(message: string) {
    super(message);
    this.name = 'PyTypeError';
  }
}

/**
 * A Python exception Ansible lets through uncaught (ZeroDivisionError): the
 * task fails with its traceback, and a conditional with its bare message.
 */
export class PyException extends TemplateError {
  constructor(
    readonly pyClass: string,
    message: string,
  ) {
    super(message);
    this.name = 'PyException';
  }

  /** A traceback's shape; Ansible's callback shows its last line. */
  get traceback(): string {
    return `Traceback (most recent call last):\n  File "<template>", line 1, in root\n${this.pyClass}: ${this.message}\n`;
  }
}

/** A PyTypeError as Ansible reports it, naming the template it happened in. */
export class TemplateTypeError extends TemplateError {
  constructor(text: string, cause: string) {
    super(`Unexpected templating type error occurred on (${text}): ${cause}. ${cause}`);
    this.name = 'TemplateTypeError';
  }
}

/** Jinja's TemplateNotFound: an include/import/extends names a template found nowhere. */
export class TemplateNotFound extends TemplateError {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateNotFound';
  }
}

/** Wrap a low-level failure with the template text, as Ansible does. */
export function templateFailure(err: unknown, text: string): Error {
  if (err instanceof UndefinedVariableError) return err;
  if (err instanceof PyTypeError) return new TemplateTypeError(text, err.message);
  if (err instanceof TemplateError) return err;
  let msg = err instanceof Error ? err.message : String(err);
  // nunjucks prefixes messages with "(unknown path) [Line 1, Column 3]\n  "
  msg = msg.replace(/^\(unknown path\)\s*(\[[^\]]*\])?\s*/, '').trim();
  return new TemplateError(`template error while templating string: ${msg}. String: ${text}`);
}

/**
 * How Ansible words a condition (when, until, assert's that...) that could not
 * be evaluated. `typeError`: a type error or Python exception, which Ansible
 * words as an error of the task rather than of the conditional.
 */
export function conditionalFailure(condition: string, e: unknown): { message: string; typeError: boolean } {
  if (e instanceof TemplateTypeError || e instanceof PyException) {
    return { message: `The conditional check '${condition}' failed. The error was: ${e.message}`, typeError: true };
  }
  // An undefined variable is stated twice (its error and the cause's), as Ansible does.
  const cause = e instanceof UndefinedVariableError ? `${e.message}. ${e.message}` : (e as Error).message;
  return { message: `The conditional check '${condition}' failed. The error was: error while evaluating conditional (${condition}): ${cause}`, typeError: false };
}
