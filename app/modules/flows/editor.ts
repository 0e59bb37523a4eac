import { z } from "zod";
import { RecoveryActionSchema } from "~/modules/recovery/editor";

/**
 * The care flow pages' requests, shared by the browser and the server. The steps' form is recovery's
 * (`CareFlowSettingsSchema` in recovery/editor.ts); the trigger-specific options are here.
 * Nothing here imports server code: this module is bundled into the admin page.
 */

// The discounts module's limits (discounts.ts, which needs node:crypto and so stays out of the browser bundle).
const MAX_PERCENTAGE = 100;
const MAX_FIXED_AMOUNT = 10_000;
const MAX_VALIDITY_DAYS = 365;

const httpsUrl = z
  .string()
  .trim()
  .url("Enter a full address, starting with https://")
  .refine((value) => value.startsWith("https://"), "Enter a full address, starting with https://");

export const FlowOptionsSchema = z
  .object({
    perk: z
      .object({
        kind: z.enum(["PERCENTAGE", "FIXED_AMOUNT", "FREE_SHIPPING"]),
        value: z.coerce.number().nullable(),
        expiresInDays: z.coerce
          .number({ invalid_type_error: "The validity must be a number of days" })
          .int("The validity must be a whole number of days")
          .min(1, "The code must be valid for at least a day")
          .max(MAX_VALIDITY_DAYS, `At most ${MAX_VALIDITY_DAYS} days`),
      })
      .nullable(),
    reviewUrl: httpsUrl.nullable(),
  })
  .superRefine((options, ctx) => {
    const perk = options.perk;
    if (!perk || perk.kind === "FREE_SHIPPING") return;
    const max = perk.kind === "PERCENTAGE" ? MAX_PERCENTAGE : MAX_FIXED_AMOUNT;
    if (perk.value === null || !Number.isFinite(perk.value) || perk.value <= 0 || perk.value > max) {
      ctx.addIssue({
        code: "custom",
        path: ["perk", "value"],
        message: perk.kind === "PERCENTAGE" ? "A percentage from 1 to 100" : `An amount from 1 to ${max}`,
      });
    }
  });
export type FlowOptionsInput = z.input<typeof FlowOptionsSchema>;

/** Every request a care flow page's action accepts, one per intent (as the Recovery page's, plus "options"). */
export const CareFlowActionSchema = z.discriminatedUnion("intent", [
  ...RecoveryActionSchema.options,
  z.object({ intent: z.literal("options"), options: FlowOptionsSchema }),
]);
