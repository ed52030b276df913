import { loadConfig } from '../../config/config.js';
import { mintToken, type Role } from '../../http/auth.js';

/**
 * `token --tenant T --roles R[,R] [--subject S] [--expires SECONDS]`: prints a bearer token
 * signed with the configured `JWT_SECRET` (the development key when unset), for local use.
 * @throws Error for an invalid tenant, subject, role or lifetime (printed, exit 1)
 */
export function token(options: { tenant: string; roles: string; subject: string; expires: number }): void {
  const config = loadConfig();
  const roles = options.roles.split(',').map((r) => r.trim()).filter(Boolean) as Role[];
  console.log(mintToken(config, { tenantId: options.tenant, subject: options.subject, roles, expiresInSeconds: options.expires }));
}
