/**
 * Ban rules shared by sign-in, session checks and the auth endpoints. No server imports, so the
 * login page can format the same message.
 */

export interface BanFields {
  bannedAt: Date | null;
  banReason: string | null;
  banExpiresAt: Date | null;
}

/** A ban without an expiry is permanent; an expired ban no longer counts. */
export function isBanned(user: BanFields, now: Date = new Date()): boolean {
  if (!user.bannedAt) return false;
  return user.banExpiresAt === null || user.banExpiresAt.getTime() > now.getTime();
}

/**
 * next-auth passes an error thrown in `authorize` to the client as a plain string, so the ban's
 * details travel encoded behind this prefix and the login page turns them back into a sentence.
 */
export const BANNED_ERROR_PREFIX = "AccountBanned:";

export interface BanDetails {
  reason: string | null;
  expiresAt: string | null;
}

export function encodeBanError(user: BanFields): string {
  const details: BanDetails = { reason: user.banReason, expiresAt: user.banExpiresAt?.toISOString() ?? null };
  return BANNED_ERROR_PREFIX + JSON.stringify(details);
}

export function decodeBanError(error: string | null | undefined): BanDetails | null {
  if (!error?.startsWith(BANNED_ERROR_PREFIX)) return null;
  try {
    const parsed = JSON.parse(error.slice(BANNED_ERROR_PREFIX.length)) as Partial<BanDetails>;
    return {
      reason: typeof parsed.reason === "string" && parsed.reason.trim() ? parsed.reason : null,
      expiresAt: typeof parsed.expiresAt === "string" ? parsed.expiresAt : null,
    };
  } catch {
    return { reason: null, expiresAt: null };
  }
}

/** "This account is banned: spamming. The ban ends 2025-01-01 12:00 UTC." */
export function banMessage(details: BanDetails): string {
  let message = details.reason ? `This account is banned: ${details.reason}` : "This account is banned.";
  if (details.reason && !/[.!?]$/.test(details.reason)) message += ".";
  if (details.expiresAt) {
    const end = new Date(details.expiresAt);
    if (!Number.isNaN(end.getTime())) message += ` The ban ends ${end.toISOString().slice(0, 16).replace("T", " ")} UTC.`;
  } else {
    message += " The ban is permanent.";
  }
  return message;
}
