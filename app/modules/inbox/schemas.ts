import { z } from "zod";

/** Inputs of the inbox pages, shared by the forms and the actions (one schema per form). */

export const InboxQuerySchema = z.object({
  status: z.enum(["OPEN", "WAITING", "CLOSED", "ALL"]).catch("OPEN"),
  channel: z.enum(["CHAT", "EMAIL", "SMS", "ALL"]).catch("ALL"),
  mine: z
    .enum(["1", "0"])
    .catch("0")
    .transform((value) => value === "1"),
  vip: z
    .enum(["1", "0"])
    .catch("1")
    .transform((value) => value === "1"),
  q: z.string().max(100).catch(""),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});

const text = (max: number, label: string) =>
  z
    .string({ required_error: `${label} is required` })
    .transform((value) => value.replace(/\r\n?/g, "\n").trim())
    .pipe(z.string().min(1, `${label} cannot be empty`).max(max, `${label} is limited to ${max} characters`));

export const ConversationActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("reply"), body: text(10_000, "The reply") }),
  z.object({ intent: z.literal("note"), body: text(10_000, "The note") }),
  z.object({ intent: z.literal("assign-me") }),
  z.object({ intent: z.literal("unassign") }),
  z.object({ intent: z.literal("assign"), staffId: z.string().min(1).max(64) }),
  z.object({ intent: z.literal("close") }),
  z.object({ intent: z.literal("reopen") }),
  z.object({ intent: z.literal("retry"), messageId: z.string().min(1).max(64) }),
  z.object({
    intent: z.literal("apology"),
    kind: z.enum(["PERCENTAGE", "FIXED_AMOUNT"]),
    value: z.coerce.number().positive("The amount must be more than 0").max(100_000),
    expiresInDays: z.coerce.number().int().min(1).max(365),
  }),
]);
export type ConversationAction = z.infer<typeof ConversationActionSchema>;

export const SavedReplyActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("create"), title: text(100, "The title"), body: text(5_000, "The text") }),
  z.object({
    intent: z.literal("update"),
    id: z.string().min(1).max(64),
    title: text(100, "The title"),
    body: text(5_000, "The text"),
  }),
  z.object({ intent: z.literal("delete"), id: z.string().min(1).max(64) }),
]);

export interface InboxActionResponse {
  ok: boolean;
  message: string;
}
