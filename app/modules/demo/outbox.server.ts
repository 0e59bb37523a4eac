import { getDemoRuntime, type OutboxChannel, type OutboxEmail, type OutboxSms } from "~/modules/demo/runtime.server";

export type ChannelView<T> = { kind: "captured"; items: T[] } | { kind: "external"; target: string } | { kind: "none" };

export interface OutboxView {
  email: ChannelView<OutboxEmail>;
  sms: ChannelView<OutboxSms>;
}

function view<T extends { receivedAt: Date }>(channel: OutboxChannel<T> | undefined): ChannelView<T> {
  if (!channel) return { kind: "none" };
  if (channel.kind === "external") return channel;
  // Newest first whatever order the sink keeps.
  const items = [...channel.list()].sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime());
  return { kind: "captured", items };
}

/** The messages the demo's sinks captured, or where they went when the sinks are outside the demo. */
export function getOutbox(): OutboxView {
  const runtime = getDemoRuntime();
  return { email: view(runtime?.outbox.email), sms: view(runtime?.outbox.sms) };
}
