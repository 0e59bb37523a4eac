import { useState } from "react";
import { useFetcher } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Button,
  Card,
  ChoiceList,
  Divider,
  InlineStack,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import type { SetupGuide as Guide } from "~/modules/onboarding/onboarding.server";

export type SetupGuideResponse = { ok: true } | { ok: false; fieldErrors: Record<string, string> };

/** The four questions that tailor the checklist. */
function Questions() {
  const fetcher = useFetcher<SetupGuideResponse>();
  const errors = fetcher.data && !fetcher.data.ok ? fetcher.data.fieldErrors : {};
  const [experience, setExperience] = useState<string[]>([]);
  const [markets, setMarkets] = useState<string[]>([]);
  const [hasSms, setHasSms] = useState<string[]>([]);
  const [goal, setGoal] = useState<string[]>([]);
  const submit = () =>
    fetcher.submit(
      { intent: "answers", answers: { experience: experience[0], markets, hasSms: hasSms[0], goal: goal[0] } },
      { method: "post", encType: "application/json" },
    );
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Welcome to Kindly
          </Text>
          <Text as="p" tone="subdued">
            Four quick questions, and Kindly lists the setup steps that matter for your store.
          </Text>
        </BlockStack>
        <ChoiceList
          title="How long have you been running your store?"
          choices={[
            { label: "I'm just starting", value: "NEW" },
            { label: "A while: I know my way around Shopify", value: "EXPERIENCED" },
          ]}
          selected={experience}
          onChange={setExperience}
          error={errors.experience}
        />
        <ChoiceList
          title="Where are your customers?"
          allowMultiple
          choices={[
            { label: "European Union", value: "EU" },
            { label: "United States", value: "US" },
            { label: "Elsewhere", value: "ELSEWHERE" },
          ]}
          selected={markets}
          onChange={setMarkets}
          error={errors.markets}
        />
        <ChoiceList
          title="Do you have an SMS provider (Twilio)?"
          choices={[
            { label: "Yes", value: "YES" },
            { label: "No, email only for now", value: "NO" },
          ]}
          selected={hasSms}
          onChange={setHasSms}
          error={errors.hasSms}
        />
        <ChoiceList
          title="What matters most right now?"
          choices={[
            { label: "Helping shoppers who got stuck at checkout", value: "RECOVER" },
            { label: "Answering customers faster", value: "SUPPORT" },
            { label: "Keeping customers coming back", value: "RETAIN" },
          ]}
          selected={goal}
          onChange={setGoal}
          error={errors.goal}
        />
        <InlineStack align="end">
          <Button variant="primary" onClick={submit} loading={fetcher.state !== "idle"}>
            Show my setup steps
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

export function SetupGuide({ guide }: { guide: Guide }) {
  const fetcher = useFetcher<SetupGuideResponse>();
  const post = (intent: string) => fetcher.submit({ intent }, { method: "post", encType: "application/json" });
  if (guide.dismissed) {
    return (
      <InlineStack align="end">
        <Button variant="plain" onClick={() => post("recall")}>
          Show the setup guide
        </Button>
      </InlineStack>
    );
  }
  if (!guide.answers || !guide.checklist) return <Questions />;
  const { checklist } = guide;
  const beginner = guide.answers.experience === "NEW";
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {checklist.complete ? "Kindly is set up" : "Set up Kindly"}
          </Text>
          <InlineStack gap="200">
            <Button variant="plain" onClick={() => post("recheck")} loading={fetcher.state !== "idle"}>
              Check again
            </Button>
            <Button variant="plain" onClick={() => post("dismiss")}>
              Hide guide
            </Button>
          </InlineStack>
        </InlineStack>
        <BlockStack gap="100">
          <Text as="p" tone="subdued">
            {checklist.done} of {checklist.total} steps done. Kindly ticks each step itself when it sees it done.
          </Text>
          <ProgressBar progress={checklist.progress} size="small" tone="primary" />
        </BlockStack>
        {checklist.steps.map((step, index) => (
          <BlockStack key={step.id} gap="200">
            {index > 0 ? <Divider /> : null}
            <InlineStack align="space-between" blockAlign="start" gap="400" wrap={false}>
              <BlockStack gap="100">
                <InlineStack gap="200" blockAlign="center">
                  <Text as="h3" variant="headingSm">
                    {step.title}
                  </Text>
                  {step.done ? (
                    <Badge tone="success">Done</Badge>
                  ) : step.optional ? (
                    <Badge>Optional</Badge>
                  ) : (
                    <Badge tone="attention">To do</Badge>
                  )}
                </InlineStack>
                <Text as="p">{step.summary}</Text>
                {beginner && step.explanation ? (
                  <Text as="p" tone="subdued">
                    {step.explanation}
                  </Text>
                ) : null}
                <Text as="p" variant="bodySm" tone={step.done ? "success" : "subdued"}>
                  {step.status}
                </Text>
              </BlockStack>
              <Box minWidth="160px">
                <InlineStack align="end">
                  <Button
                    url={step.action.url}
                    target={step.action.external ? "_top" : undefined}
                    variant={step.done ? "plain" : "secondary"}
                  >
                    {step.action.label}
                  </Button>
                </InlineStack>
              </Box>
            </InlineStack>
          </BlockStack>
        ))}
      </BlockStack>
    </Card>
  );
}
