import type { Request, RequestHandler, Response } from 'express';
import { ValidationError } from './errors';

/** Never echoed back into a re-rendered form. */
const SECRET_FIELDS = /password|code|_csrf/i;

export function formValues(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object') return {};
  return Object.fromEntries(Object.entries(body as Record<string, unknown>).filter(([key]) => !SECRET_FIELDS.test(key)));
}

/**
 * A form's POST handler: a ValidationError re-renders the form with 422, the
 * submitted values (minus secrets) and the field errors; anything else
 * propagates to the error handler. `locals` supplies what the form view needs
 * besides values and errors (option lists, the token in the URL, …).
 * `scope` is for a second form on a page (an upload beside the main form):
 * its values and errors go under that name, and `locals` supplies the main
 * form's own `values` and `errors`.
 */
export function formRoute(
  view: string,
  handler: (req: Request, res: Response) => Promise<void>,
  locals: (req: Request, res: Response) => Promise<Record<string, unknown>> | Record<string, unknown> = () => ({}),
  options: { scope?: string } = {},
): RequestHandler {
  return async (req, res) => {
    try {
      await handler(req, res);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const failed = { values: formValues(req.body), errors: error.fieldErrors };
      res.status(422).render(view, { ...(await locals(req, res)), ...(options.scope ? { [options.scope]: failed } : failed) });
    }
  };
}

/** Locals for the first, empty rendering of a form. */
export function blankForm(values: Record<string, unknown> = {}): { values: Record<string, unknown>; errors: Record<string, string[]> } {
  return { values, errors: {} };
}
