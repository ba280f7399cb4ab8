/** A secret as it may be shown: its first and last four characters, never enough to use. */
export function maskSecret(secret: string | null): string {
  if (!secret) return '—';
  if (secret.length <= 12) return '••••';
  return `${secret.slice(0, 4)}…${secret.slice(-4)}`;
}
