// A screen that throws while drawing must not take the station down with it:
// the boundary keeps the header, the side bar and every other screen working,
// says what happened with a log reference staff can quote, and redraws the
// screen on request (its server data is refetched; nothing queued is lost,
// the station keeps that).
import { Component, type ReactNode } from "react";
import { Alert, Button, Code, Group, Text } from "@mantine/core";
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands } from "../bindings";

interface Props {
  /** Which screen, for the log. */
  screen: string;
  children: ReactNode;
}

export function ScreenBoundary({ screen, children }: Props) {
  const queries = useQueryClient();
  return (
    <Boundary screen={screen} queries={queries}>
      {children}
    </Boundary>
  );
}

interface State {
  failed: { message: string; reference: string | null } | null;
}

class Boundary extends Component<Props & { queries: QueryClient }, State> {
  state: State = { failed: null };

  static getDerivedStateFromError(error: unknown): State {
    return { failed: { message: error instanceof Error ? error.message : String(error), reference: null } };
  }

  componentDidCatch(error: unknown, info: { componentStack?: string | null }) {
    const details = `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n${info.componentStack ?? ""}`;
    console.error(`the ${this.props.screen} screen failed`, error);
    // Outside the app (component tests) there is no shell to log to.
    void Promise.resolve()
      .then(() => commands.reportScreenFailure(this.props.screen, details))
      .then((reference) => this.setState((s) => (s.failed ? { failed: { ...s.failed, reference } } : s)))
      .catch(() => undefined);
  }

  reload = () => {
    void this.props.queries.invalidateQueries();
    this.setState({ failed: null });
  };

  render() {
    if (this.state.failed) return <Failed {...this.state.failed} onReload={this.reload} />;
    return this.props.children;
  }
}

function Failed({ message, reference, onReload }: { message: string; reference: string | null; onReload: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert color="red" role="alert" title={t("boundary.title")} maw={640} mx="auto" mt="lg">
      <Text size="sm">{t("boundary.body")}</Text>
      <Text size="sm" mt="xs">
        {t("boundary.what")} <Code>{message}</Code>
      </Text>
      {reference && (
        <Text size="sm" mt="xs">
          {t("boundary.reference")} <Code>{reference}</Code>
        </Text>
      )}
      <Group mt="sm">
        <Button onClick={onReload} data-autofocus>
          {t("boundary.reload")}
        </Button>
      </Group>
    </Alert>
  );
}
