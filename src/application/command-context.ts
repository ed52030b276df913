/**
 * Who issues a command, for which tenant, and when it happens in business time.
 * Every event the command causes carries these in its metadata.
 */
export interface CommandContext {
  /** Tenant id (`[a-z0-9][a-z0-9_-]{0,62}`); the command touches only this tenant's streams. */
  readonly tenantId: string;
  /** `user:<subject>`, `system:<process>` or `import:<source>`. */
  readonly actor: string;
  /** Shared by everything one request or import step causes. */
  readonly correlationId: string;
  /** Id of this command; the events' causation id. */
  readonly commandId: string;
  /** Business time, ISO 8601 with UTC offset, e.g. `2017-10-02T10:56:33.000-03:00`. */
  readonly occurredAt: string;
}

/** The same context for a follow-up step of one operation (same correlation, new command id). */
export function followUp(context: CommandContext, commandId: string): CommandContext {
  return { ...context, commandId };
}
