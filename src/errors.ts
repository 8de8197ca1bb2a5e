/** An error a user can be shown: a stable id, an HTTP status and a message safe to display. */
export class AppError extends Error {
  constructor(
    readonly id: string,
    readonly status: number,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
  }
}

export const notFound = (what = "This page") =>
  new AppError("not_found", 404, `${what} does not exist or you cannot see it.`);
export const forbidden = (message = "You do not have access to this.") => new AppError("forbidden", 403, message);
export const unauthorized = (message = "Please sign in.") => new AppError("unauthorized", 401, message);
export const badRequest = (message: string, fields?: Record<string, string>) =>
  new AppError("bad_request", 400, message, fields);

/** A refused form shown on the error page: each message is named by its field's label. */
export function invalid(errors: Record<string, string>, labels: Record<string, string>): AppError {
  const message = Object.entries(errors)
    .map(([k, m]) => `${labels[k] ?? k}: ${m}`)
    .join(" · ");
  return new AppError("invalid", 400, message, errors);
}
