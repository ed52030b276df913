/**
 * A rejection of a command by a decider: the command was well formed but the
 * aggregate's rules forbid it in its current state (e.g. insufficient stock).
 *
 * `code` is stable and machine-readable (kebab-case, e.g. `insufficient-stock`); the
 * HTTP layer turns it into the problem type `https://commerce-core.dev/problems/<code>`
 * and the `kind` into the status: `conflict` → 409 (state forbids it now, may succeed
 * later or elsewhere), `unprocessable` → 422 (the command can never succeed as sent).
 * `details` carries the figures that explain the rejection (requested, available, …).
 */
export class DomainError extends Error {
  override readonly name: string = 'DomainError';
  constructor(
    readonly code: string,
    message: string,
    readonly kind: 'conflict' | 'unprocessable' = 'conflict',
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}
