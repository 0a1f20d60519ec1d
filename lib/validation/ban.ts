/**
 * The ban form's validation: the Ban dialog and POST /api/admin/users/{userId}/ban parse with the
 * same schema, so the browser and the server refuse the same input with the same message.
 */
import { z } from "zod";

export const BAN_REASON_MAX_CHARS = 500;

export const banSchema = z.object({
  reason: z
    .string({ error: "Reason must be text" })
    .trim()
    .min(1, "Give a reason for the ban")
    .max(BAN_REASON_MAX_CHARS, `Reason must be at most ${BAN_REASON_MAX_CHARS} characters`),
  expiresAt: z.iso
    .datetime({ offset: true, error: "Ban expiry must be an ISO 8601 date and time, like 2030-01-31T12:00:00Z" })
    // Checked at parse time, not at import time: "the future" moves.
    .refine((iso) => Date.parse(iso) > Date.now(), { message: "Ban expiry must be in the future (leave it empty for a permanent ban)" })
    .nullish(),
});

export type BanInput = z.input<typeof banSchema>;
