import type { ReactNode } from "react";
import { render } from "@testing-library/react";
import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cssVariables, theme } from "../theme";

/** Renders with the app's providers (fresh query cache, no retries). */
export function renderWithProviders(ui: ReactNode) {
  const queries = new QueryClient({
    defaultOptions: { queries: { retry: false, networkMode: "always" }, mutations: { networkMode: "always" } },
  });
  return render(
    <MantineProvider theme={theme} cssVariablesResolver={cssVariables}>
      <QueryClientProvider client={queries}>{ui}</QueryClientProvider>
    </MantineProvider>,
  );
}
