// Every rule a time breaks, as the availability engine named them
// (`slotCheck`): what a refusal lists, and what a manager books over.
import { List, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { SlotCheck, SlotRule } from "../../bindings";
import { useFormats } from "../../format";

export function SlotRules({ check, timeZone }: { check: SlotCheck; timeZone: string }) {
  const { t } = useTranslation();
  const formats = useFormats(timeZone);
  const text = (rule: SlotRule) => {
    switch (rule.rule) {
      case "inThePast":
        return t("anyway.rule_inThePast");
      case "outsideWorkingHours":
        return t("anyway.rule_outsideWorkingHours");
      case "offGrid":
        return t("anyway.rule_offGrid", { minutes: rule.slotMinutes });
      case "taken":
        return t(rule.held ? "anyway.rule_held" : "anyway.rule_taken", { span: formats.span(rule.startsAt, rule.endsAt) });
    }
  };
  if (check.rules.length === 0) {
    return (
      <Text size="sm" role="status">
        {t("anyway.noRule")}
      </Text>
    );
  }
  return (
    <div role="status">
      <Text size="sm" fw={600}>
        {check.overridable ? t("anyway.breaks") : t("anyway.cannot")}
      </Text>
      <List size="sm">
        {check.rules.map((rule) => (
          <List.Item key={rule.rule}>{text(rule)}</List.Item>
        ))}
      </List>
    </div>
  );
}
